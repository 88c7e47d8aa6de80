package server_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/server"
)

// TestOpenAPI validates real answers, successes and problems, against the
// schemas openapi.json gives for their path, method and status.
func TestOpenAPI(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	var spec struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", spec.OpenAPI)
	}

	sq, st := openSQLite(t, fixture())
	ts := serve(t, sq, alert.NewSQLiteStore(st), server.Options{NewSecret: func() (string, error) { return "whsec_dGVzdA==", nil }})
	first := fixture()[0].ID
	tests := []struct {
		method, path, template, body string
		status                       int
	}{
		{"GET", "/api/v1/search?q=Lavrov&facets=1&timeline=week", "/api/v1/search", "", 200},
		{"GET", "/api/v1/search?limit=2", "/api/v1/search", "", 200},
		{"GET", "/api/v1/search?q=Moldova", "/api/v1/search", "", 200},
		{"GET", "/api/v1/search?q=person:", "/api/v1/search", "", 400},
		{"POST", "/api/v1/compare", "/api/v1/compare", `{"queries":[{"name":"a","q":"Libya"},{"name":"b","q":"NATO"}],"interval":"day"}`, 200},
		{"POST", "/api/v1/compare", "/api/v1/compare", `{"queries":[]}`, 400},
		{"GET", "/api/v1/articles/" + first, "/api/v1/articles/{id}", "", 200},
		{"GET", "/api/v1/articles/ffff", "/api/v1/articles/{id}", "", 404},
		{"GET", "/api/v1/stories/s1", "/api/v1/stories/{story_id}", "", 200},
		{"GET", "/api/v1/suggest?field=place&prefix=li", "/api/v1/suggest", "", 200},
		{"GET", "/api/v1/suggest?field=event.actor&prefix=r", "/api/v1/suggest", "", 200},
		{"GET", "/api/v1/suggest?field=event.status", "/api/v1/suggest", "", 200},
		{"GET", "/api/v1/suggest?field=event.what", "/api/v1/suggest", "", 400},
		{"POST", "/api/v1/alerts", "/api/v1/alerts", `{"name":"libya","query":"place:Libya","webhook":"https://hooks.example.org/x"}`, 201},
		{"POST", "/api/v1/alerts", "/api/v1/alerts", `{"name":"bad","query":"since:2024-01-01"}`, 400},
		{"GET", "/api/v1/alerts", "/api/v1/alerts", "", 200},
		{"GET", "/api/v1/alerts/log", "/api/v1/alerts/log", "", 200},
		{"DELETE", "/api/v1/alerts/99", "/api/v1/alerts/{id}", "", 404},
		{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", "", 200},
	}
	for _, tt := range tests {
		code, ct, body := do(t, ts, tt.method, tt.path, tt.body)
		if code != tt.status {
			t.Errorf("%s %s: %d, want %d: %s", tt.method, tt.path, code, tt.status, body)
			continue
		}
		if _, ok := spec.Paths[tt.template][strings.ToLower(tt.method)]; !ok {
			t.Errorf("openapi.json has no %s %s", tt.method, tt.template)
			continue
		}
		media := strings.TrimSpace(strings.Split(ct, ";")[0])
		ptr := "openapi.json#/paths/" + escape(tt.template) + "/" + strings.ToLower(tt.method) + "/responses/" +
			itoa(code) + "/content/" + escape(media) + "/schema"
		sch, err := c.Compile(ptr)
		if err != nil {
			t.Errorf("%s %s: no schema for %d %s: %v", tt.method, tt.path, code, media, err)
			continue
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s %s: %v", tt.method, tt.path, err)
			continue
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s %s: answer does not match openapi.json: %v\n%s", tt.method, tt.path, err, body)
		}
	}
}

// TestOpenAPIEnums checks the lists openapi.json spells out by hand
// against the server: the event kinds and statuses are the query
// language's own (query.EventValues), and every field the suggest
// parameter lists is answered, the answer naming the same fields.
func TestOpenAPIEnums(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	type enum struct {
		Enum []string `json:"enum"`
	}
	var spec struct {
		Paths struct {
			Suggest struct {
				Get struct {
					Parameters []struct {
						Name   string `json:"name"`
						Schema enum   `json:"schema"`
					} `json:"parameters"`
				} `json:"get"`
			} `json:"/api/v1/suggest"`
		} `json:"paths"`
		Components struct {
			Schemas struct {
				Event struct {
					Properties struct {
						Kind   enum `json:"kind"`
						Status enum `json:"status"`
					} `json:"properties"`
				} `json:"Event"`
				SuggestResponse struct {
					Properties struct {
						Field enum `json:"field"`
					} `json:"properties"`
				} `json:"SuggestResponse"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	ev := spec.Components.Schemas.Event.Properties
	for field, got := range map[string][]string{"event.kind": ev.Kind.Enum, "event.status": ev.Status.Enum} {
		if want, _ := query.EventValues(field); !slices.Equal(got, want) {
			t.Errorf("openapi.json lists %s as %v; the query language has %v", field, got, want)
		}
	}
	var fields []string
	for _, p := range spec.Paths.Suggest.Get.Parameters {
		if p.Name == "field" {
			fields = p.Schema.Enum
		}
	}
	if len(fields) == 0 || !slices.Equal(fields, spec.Components.Schemas.SuggestResponse.Properties.Field.Enum) {
		t.Errorf("suggest's field parameter lists %v, its answer %v", fields, spec.Components.Schemas.SuggestResponse.Properties.Field.Enum)
	}
	sq, _ := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{})
	for _, f := range fields {
		if code, _, b := get(t, ts, "/api/v1/suggest?field="+f); code != 200 {
			t.Errorf("suggest field=%s: %d %s", f, code, b)
		}
	}
}

// escape makes a JSON pointer token.
func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
