package rawjson

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestWholeAgreesWithEncodingJSON(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{}`, true},
		{` {"a": [1, -2.5e3, true, false, null, "x\"y\\", {"b": []}]} `, true},
		{`"a \\\" b"`, true},
		{`[]`, true},
		{`{"a":1,}`, false},
		{`{"a" 1}`, false},
		{`{"a":1`, false},
		{`["a" "b"]`, false},
		{`"unterminated\"`, false},
		{`{"a":tru}`, false},
		{`{"a":1} x`, false},
		{``, false},
		{`{1:2}`, false},
	}
	for _, tt := range tests {
		err := Whole([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("Whole(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("Whole(%q) = %v, want ErrSyntax", tt.in, err)
		}
		if tt.ok != json.Valid([]byte(tt.in)) {
			t.Errorf("test %q disagrees with json.Valid", tt.in)
		}
	}
}

func TestFieldsAndElements(t *testing.T) {
	doc := []byte(`{"id":"a\"b","hits":{"hits":[{"_source":{"x":[1,{"y":"}"}]},"sort":["k",7]},{"_source":{}}]},"z":0}`)
	got := map[string]string{}
	end := 0
	if err := Fields(doc, func(k, v []byte) bool { got[string(k)] = string(v); return true }, &end); err != nil {
		t.Fatal(err)
	}
	if end != len(doc) || got["id"] != `"a\"b"` || got["z"] != "0" {
		t.Errorf("Fields: %q, end %d of %d", got, end, len(doc))
	}
	var sources []string
	Fields([]byte(got["hits"]), func(k, v []byte) bool {
		Elements(v, func(hit []byte) bool {
			Fields(hit, func(k, v []byte) bool {
				if string(k) == "_source" {
					sources = append(sources, string(v))
				}
				return true
			}, nil)
			return true
		})
		return false
	}, nil)
	if len(sources) != 2 || sources[0] != `{"x":[1,{"y":"}"}]}` || sources[1] != `{}` {
		t.Errorf("sources %q", sources)
	}
	stopped := 0
	Fields(doc, func(k, v []byte) bool { stopped++; return false }, nil)
	if stopped != 1 {
		t.Errorf("fn returning false: called %d times, want 1", stopped)
	}
}

// Whole checks that b holds exactly one JSON value, white space aside:
// what the tests check Skip with.
func Whole(b []byte) error {
	end, err := Skip(b, 0)
	if err != nil {
		return err
	}
	if i := skipSpace(b, end); i != len(b) {
		return syntax(i, "text after the value")
	}
	return nil
}
