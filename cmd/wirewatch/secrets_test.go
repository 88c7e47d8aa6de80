package main

import (
	"net"
	"strings"
	"testing"
)

// TestNoSecretsInLogsOrErrors runs commands with secret values in every
// flag that takes one, against closed loopback ports, and greps their
// output and debug logs for the secrets. (Webhook URLs: alert's
// TestWebhookErrorsHideTheURL.)
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	const secret = "Sup3rS3cr3t"
	closed := closedPort(t)
	esURL := "http://elastic:" + secret + "pw@" + closed
	tests := []struct {
		name string
		args []string
	}{
		{"search, API key and URL password", []string{"search", "--es-url", esURL, "--es-api-key", secret + "key", "x"}},
		{"search, basic auth", []string{"search", "--es-url", esURL, "--es-username", "elastic", "--es-password", secret + "pw2", "x"}},
		{"export, basic auth", []string{"export", "--es-url", esURL, "--es-password", secret + "pw2", "--format", "jsonl", "--out", "-"}},
		{"index, SASL and Elasticsearch", []string{"index", "--kafka-brokers", closed, "--kafka-sasl-mechanism", "PLAIN",
			"--kafka-sasl-username", "u", "--kafka-sasl-password", secret + "sasl", "--es-url", esURL, "--es-api-key", secret + "key"}},
		{"crawl, SASL", []string{"crawl", "--kafka-brokers", closed, "--kafka-sasl-mechanism", "SCRAM-SHA-256",
			"--kafka-sasl-username", "u", "--kafka-sasl-password", secret + "sasl", "--seeds", "http://" + closed + "/", "--once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "--data", t.TempDir(), "--log-level", "debug")
			code, stdout, stderr := runCLI(t, args...)
			if code == 0 {
				t.Fatalf("exit 0 against closed ports\n%s", stderr)
			}
			if strings.Contains(stdout+stderr, secret) {
				t.Errorf("a secret is in the output:\n%s%s", stdout, stderr)
			}
		})
	}

}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
