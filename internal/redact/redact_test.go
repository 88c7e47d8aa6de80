package redact

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://hooks.example.org/", "https://hooks.example.org"},
		{"https://hooks.example.org", "https://hooks.example.org"},
		{"https://user:pw@hooks.example.org/services/T0/B0/XyZ?token=abc", "https://***@hooks.example.org/…"},
		{"http://elastic:changeme@127.0.0.1:9200", "http://***@127.0.0.1:9200"},
		{"https://hooks.example.org/?sig=abc", "https://hooks.example.org/…"},
		{"::not a url", "(hidden URL)"},
		{"mailto:secret@example.org", "(hidden URL)"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorHidesTheRequestURL(t *testing.T) {
	const secret = "s3cr3t-token"
	// A request to a closed loopback port fails with the URL quoted.
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		"http://user:"+secret+"@127.0.0.1:1/hook/"+secret+"?token="+secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = http.DefaultClient.Do(req)
	if err == nil {
		t.Fatal("request to a closed port succeeded")
	}
	if !strings.Contains(err.Error(), secret) {
		t.Fatalf("premise: the client's error does not quote the URL: %v", err)
	}
	red := Error(err)
	if strings.Contains(red.Error(), secret) {
		t.Errorf("redacted error still holds the secret: %v", red)
	}
	if !strings.Contains(red.Error(), "127.0.0.1:1") || !strings.Contains(red.Error(), "connection refused") {
		t.Errorf("redacted error lost the endpoint or the cause: %v", red)
	}
	plain := errors.New("plain")
	if Error(plain) != plain || Error(nil) != nil {
		t.Error("an error without a URL must pass unchanged")
	}
}
