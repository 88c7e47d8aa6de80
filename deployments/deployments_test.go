// Package deployments holds the compose file and Kubernetes manifests of a
// distributed wirewatch. They cannot run here, so this test parses them and
// checks them against the code: every WIREWATCH_* variable must name a real
// flag of the role it is given to, and every address must point at a
// service and port the manifests define.
package deployments

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var roles = []string{"crawl", "extract", "story", "index"}

// roleFlags builds wirewatch and reads each role's flags from its help.
func roleFlags(t *testing.T) map[string]map[string]bool {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wirewatch")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/wirewatch").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	flagLine := regexp.MustCompile(`(?m)^\s+-([a-z0-9][a-z0-9-]*)\b`)
	out := map[string]map[string]bool{}
	for _, r := range roles {
		var buf bytes.Buffer
		cmd := exec.Command(bin, r, "--help")
		cmd.Stdout, cmd.Stderr = &buf, &buf
		_ = cmd.Run()
		out[r] = map[string]bool{}
		for _, m := range flagLine.FindAllStringSubmatch(buf.String(), -1) {
			out[r][m[1]] = true
		}
		if !out[r]["kafka-brokers"] {
			t.Fatalf("%s --help lists no --kafka-brokers flag:\n%s", r, buf.String())
		}
	}
	return out
}

// envFlag maps WIREWATCH_TOPIC_PREFIX to topic-prefix, as ff does.
func envFlag(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "WIREWATCH_")
	if !ok {
		return "", false
	}
	return strings.ReplaceAll(strings.ToLower(rest), "_", "-"), true
}

// endpoints maps "host:port" to true for every address a service serves.
type endpoints map[string]bool

// checkEnv checks a role's environment against its flags and endpoints.
func checkEnv(t *testing.T, where, role string, env map[string]string, flags map[string]bool, eps endpoints) {
	t.Helper()
	for _, want := range []string{"WIREWATCH_KAFKA_BROKERS"} {
		if env[want] == "" {
			t.Errorf("%s: %s is not set", where, want)
		}
	}
	for k, v := range env {
		f, ok := envFlag(k)
		if !ok {
			continue
		}
		if !flags[f] {
			t.Errorf("%s: %s maps to --%s, which `wirewatch %s` does not have", where, k, f, role)
		}
		switch k {
		case "WIREWATCH_KAFKA_BROKERS":
			for _, b := range strings.Split(v, ",") {
				if !eps[strings.TrimSpace(b)] {
					t.Errorf("%s: broker %s is no service port of the manifests (have %v)", where, b, eps)
				}
			}
		case "WIREWATCH_ES_URL":
			u, err := url.Parse(v)
			if err != nil || !eps[u.Host] {
				t.Errorf("%s: --es-url %s is no service port of the manifests", where, v)
			}
		}
	}
}

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
}

func TestCompose(t *testing.T) {
	data, err := os.ReadFile("compose/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	eps := endpoints{}
	for name, s := range c.Services {
		for _, p := range s.Ports {
			parts := strings.Split(p, ":")
			eps[name+":"+parts[len(parts)-1]] = true
		}
	}
	for _, want := range []string{"kafka:9092", "elasticsearch:9200"} {
		if !eps[want] {
			t.Errorf("compose: no service port %s", want)
		}
	}
	flags := roleFlags(t)
	for _, r := range roles {
		s, ok := c.Services[r]
		if !ok {
			t.Errorf("compose: no service %s", r)
			continue
		}
		if len(s.Command) == 0 || s.Command[0] != r {
			t.Errorf("compose: service %s runs %v, want the %s command", r, s.Command, r)
		}
		if !strings.HasPrefix(s.Image, "wirewatch") {
			t.Errorf("compose: service %s image %q", r, s.Image)
		}
		checkEnv(t, "compose "+r, r, s.Environment, flags[r], eps)
	}
}

type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
	Spec struct {
		Selector yaml.Node `yaml:"selector"`
		Ports    []struct {
			Port int `yaml:"port"`
		} `yaml:"ports"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
				Containers                    []struct {
					Name    string   `yaml:"name"`
					Image   string   `yaml:"image"`
					Args    []string `yaml:"args"`
					EnvFrom []struct {
						ConfigMapRef struct {
							Name string `yaml:"name"`
						} `yaml:"configMapRef"`
					} `yaml:"envFrom"`
					Env []struct {
						Name  string `yaml:"name"`
						Value string `yaml:"value"`
					} `yaml:"env"`
					Ports []struct {
						Name          string `yaml:"name"`
						ContainerPort int    `yaml:"containerPort"`
					} `yaml:"ports"`
					LivenessProbe  k8sProbe `yaml:"livenessProbe"`
					ReadinessProbe k8sProbe `yaml:"readinessProbe"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// k8sProbe is a container's HTTP probe.
type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

func TestKubernetes(t *testing.T) {
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	var objs []k8sObject
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var o k8sObject
			if err := dec.Decode(&o); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.Kind == "" || o.Metadata.Name == "" {
				t.Errorf("%s: object without kind or name", f)
			}
			objs = append(objs, o)
		}
	}
	eps := endpoints{}
	configMaps := map[string]map[string]string{}
	for _, o := range objs {
		switch o.Kind {
		case "Service":
			for _, p := range o.Spec.Ports {
				eps[o.Metadata.Name+":"+strconv.Itoa(p.Port)] = true
			}
		case "ConfigMap":
			configMaps[o.Metadata.Name] = o.Data
		}
	}
	for _, want := range []string{"kafka:9092", "elasticsearch:9200"} {
		if !eps[want] {
			t.Errorf("kubernetes: no Service port %s", want)
		}
	}
	flags := roleFlags(t)
	found := map[string]bool{}
	for _, o := range objs {
		if o.Kind != "Deployment" && o.Kind != "StatefulSet" {
			continue
		}
		var sel struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		}
		if err := o.Spec.Selector.Decode(&sel); err != nil || len(sel.MatchLabels) == 0 {
			t.Errorf("%s: no selector", o.Metadata.Name)
		}
		for k, v := range sel.MatchLabels {
			if o.Spec.Template.Metadata.Labels[k] != v {
				t.Errorf("%s: selector %s=%s does not match the pod labels", o.Metadata.Name, k, v)
			}
		}
		for _, c := range o.Spec.Template.Spec.Containers {
			if !strings.HasPrefix(c.Image, "wirewatch") {
				continue
			}
			if len(c.Args) == 0 {
				t.Errorf("%s: container %s has no role argument", o.Metadata.Name, c.Name)
				continue
			}
			r := c.Args[0]
			if flags[r] == nil {
				t.Errorf("%s: role %q is not a wirewatch role", o.Metadata.Name, r)
				continue
			}
			found[r] = true
			env := map[string]string{}
			for _, ef := range c.EnvFrom {
				cm, ok := configMaps[ef.ConfigMapRef.Name]
				if !ok {
					t.Errorf("%s: ConfigMap %s not defined", o.Metadata.Name, ef.ConfigMapRef.Name)
				}
				for k, v := range cm {
					env[k] = v
				}
			}
			for _, e := range c.Env {
				env[e.Name] = e.Value
			}
			checkEnv(t, "kubernetes "+o.Metadata.Name, r, env, flags[r], eps)
			// The probes ask the role's --listen address for /livez and
			// /readyz (see package metrics).
			ops := 0
			for _, p := range c.Ports {
				if p.Name == c.LivenessProbe.HTTPGet.Port {
					ops = p.ContainerPort
				}
			}
			if c.LivenessProbe.HTTPGet.Path != "/livez" || c.ReadinessProbe.HTTPGet.Path != "/readyz" ||
				c.ReadinessProbe.HTTPGet.Port != c.LivenessProbe.HTTPGet.Port || ops == 0 {
				t.Errorf("%s: probes %+v %+v, want /livez and /readyz on a named port", o.Metadata.Name, c.LivenessProbe, c.ReadinessProbe)
			} else if env["WIREWATCH_LISTEN"] != ":"+strconv.Itoa(ops) {
				t.Errorf("%s: WIREWATCH_LISTEN %q does not serve the probes' port %d", o.Metadata.Name, env["WIREWATCH_LISTEN"], ops)
			}
			if o.Spec.Template.Spec.TerminationGracePeriodSeconds <= 30 {
				t.Errorf("%s: terminationGracePeriodSeconds must exceed the 30s drain timeout", o.Metadata.Name)
			}
		}
	}
	for _, r := range roles {
		if !found[r] {
			t.Errorf("kubernetes: no workload runs wirewatch %s", r)
		}
	}
}
