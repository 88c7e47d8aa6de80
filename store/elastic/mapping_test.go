package elastic

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// TestMappingCoversArticle keeps the strict mapping in step with the article
// model: a JSON field without a mapping would make Elasticsearch reject
// every article that carries it.
func TestMappingCoversArticle(t *testing.T) {
	props := map[string]any{}
	for k, v := range Mapping("standard")["properties"].(map[string]any) {
		if _, analysed := AnalysedFields()[k]; !analysed {
			props[k] = v // the analysed fields are made by Encode, not in the model
		}
	}
	check := func(where string, typ reflect.Type, props map[string]any) {
		seen := map[string]bool{}
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			seen[name] = true
			if _, ok := props[name]; !ok {
				t.Errorf("%s.%s has no mapping", where, name)
			}
		}
		for name := range props {
			if !seen[name] {
				t.Errorf("mapping %s.%s is not a field of the model", where, name)
			}
		}
	}
	check("article", reflect.TypeFor[article.Article](), props)
	for field, typ := range map[string]reflect.Type{
		"entities": reflect.TypeFor[article.Entity](),
		"figures":  reflect.TypeFor[article.Figure](),
		"events":   reflect.TypeFor[article.Event](),
	} {
		check(field, typ, props[field].(map[string]any)["properties"].(map[string]any))
	}
	evProps := props["events"].(map[string]any)["properties"].(map[string]any)
	for _, r := range []string{"actor", "what", "from"} {
		check("events."+r, reflect.TypeFor[article.Role](), evProps[r].(map[string]any)["properties"].(map[string]any))
	}
	if r := props["removed"].(map[string]any); r["enabled"] != false {
		t.Errorf("removed is indexed: %v", r)
	}
}

func TestNamesFor(t *testing.T) {
	tests := []struct {
		prefix string
		want   Names
	}{
		{"wirewatch", Names{Alias: "wirewatch-articles", Index: "wirewatch-articles-v6", Template: "wirewatch-articles", Pattern: "wirewatch-articles-v*"}},
		{"prod-eu", Names{Alias: "prod-eu-articles", Index: "prod-eu-articles-v6", Template: "prod-eu-articles", Pattern: "prod-eu-articles-v*"}},
	}
	for _, tt := range tests {
		if got := NamesFor(tt.prefix); got != tt.want {
			t.Errorf("NamesFor(%q) = %+v, want %+v", tt.prefix, got, tt.want)
		}
	}
}
