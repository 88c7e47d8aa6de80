package archtest

import (
	"bytes"
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is the module's import path.
const module = "github.com/wirewatch/wirewatch"

// stages are the stage packages; a package is a stage when it is one of
// these or under one.
var stages = []string{"crawler", "extractor", "indexer", "story", "alert", "export", "reindex"}

// stores are the packages that hold articles, which no stage may depend on.
var stores = []string{"store/sqlite", "store/elastic"}

// isStage reports whether the import path p is a stage package.
func isStage(p string) bool {
	rel, ok := strings.CutPrefix(p, module+"/")
	if !ok {
		return false
	}
	for _, s := range stages {
		if rel == s || strings.HasPrefix(rel, s+"/") {
			return true
		}
	}
	return false
}

// goList runs `go list` with args in the module and returns its output
// lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), "go", append([]string{"list"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestStagesDependOnNoStore runs `go list -deps` on every stage package
// (commands under them, such as export's benchmark seeder, wire stores in
// as cmd/wirewatch does, and are left out): neither store/sqlite nor
// store/elastic may be among the dependencies.
func TestStagesDependOnNoStore(t *testing.T) {
	var pkgs []string
	for _, s := range stages {
		for _, line := range goList(t, "-f", "{{.Name}} {{.ImportPath}}", module+"/"+s+"/...") {
			name, path, _ := strings.Cut(line, " ")
			if name != "main" {
				pkgs = append(pkgs, path)
			}
		}
	}
	if len(pkgs) < len(stages) {
		t.Fatalf("found %d stage packages, want at least %d: %v", len(pkgs), len(stages), pkgs)
	}
	for _, p := range pkgs {
		deps := goList(t, "-deps", p)
		for _, s := range stores {
			if slices.Contains(deps, module+"/"+s) {
				t.Errorf("%s depends on %s", p, s)
			}
		}
	}
}

// TestStoresImportNoStage lists what every package under store/ imports,
// in its code and in its tests: no stage package may be among them. (The
// conformance suite's parts that need a stage run from that stage's
// tests.)
func TestStoresImportNoStage(t *testing.T) {
	lines := goList(t, "-f", "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}", module+"/store/...")
	if len(lines) < 4 {
		t.Fatalf("found %d store packages, want at least store/sqlite, store/elastic, store/scan and store/storetest", len(lines))
	}
	for _, line := range lines {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			if isStage(imp) {
				t.Errorf("%s imports the stage package %s", f[0], imp)
			}
		}
	}
}

// TestStoresDependOnNoStage runs `go list -deps` on every package under
// store/: no stage package may be among the dependencies, not even through
// a shared package (pkg/query once reached extractor/gazetteer).
func TestStoresDependOnNoStage(t *testing.T) {
	for _, p := range goList(t, module+"/store/...") {
		for _, dep := range goList(t, "-deps", p) {
			if isStage(dep) {
				t.Errorf("%s depends on the stage package %s", p, dep)
			}
		}
	}
}

// TestIsStage checks the classification the two tests above rest on.
func TestIsStage(t *testing.T) {
	for _, tt := range []struct {
		path string
		want bool
	}{
		{module + "/crawler", true},
		{module + "/crawler/sqlfrontier", true},
		{module + "/extractor/events", true},
		{module + "/export", true},
		{module + "/exporter", false},
		{module + "/store/sqlite", false},
		{module + "/pkg/query", false},
		{"example.com/alert", false},
	} {
		if got := isStage(tt.path); got != tt.want {
			t.Errorf("isStage(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
