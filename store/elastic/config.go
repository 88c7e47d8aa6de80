package elastic

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
)

// DefaultPrefix names the alias, index and template when no prefix is set:
// wirewatch-articles, wirewatch-articles-v6.
const DefaultPrefix = "wirewatch"

// Config holds the connection and index settings. The flag names registered
// by RegisterFlags are a public contract of the wirewatch command line.
type Config struct {
	// URLs are node addresses; requests are spread over them and a node
	// that fails is retried later. Ignored when CloudID is set.
	URLs []string
	// APIKey is the base64 "id:key" token; it takes precedence over
	// Username and Password.
	APIKey   string
	Username string
	Password string
	// CACertFile is a PEM file of certificate authorities trusted for
	// https node URLs, for clusters with a private CA.
	CACertFile string
	// CloudID addresses an Elastic Cloud deployment instead of URLs.
	CloudID string
	// IndexPrefix starts the names of the alias, index and template, so that
	// several deployments can share one cluster (default "wirewatch").
	IndexPrefix string
	// Analyzer is the analyzer of title and body (default "standard"). The
	// language analyzers such as "english" need the analysis-common module,
	// which every full distribution has but the test distribution lacks.
	// It applies to indices created from now on; existing ones keep theirs.
	Analyzer string
	// RequestTimeout bounds the wait for response headers of one request,
	// so that a hung node is retried rather than waited on forever
	// (default 60 s).
	RequestTimeout time.Duration
}

// RegisterFlags adds the --es-* flags to fs, storing into c.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.Var((*urlList)(&c.URLs), "es-url", "Elasticsearch node URL; repeat the flag or separate with commas for several nodes")
	fs.StringVar(&c.APIKey, "es-api-key", c.APIKey, "Elasticsearch API key (base64 id:key); overrides --es-username/--es-password")
	fs.StringVar(&c.Username, "es-username", c.Username, "Elasticsearch basic-auth user")
	fs.StringVar(&c.Password, "es-password", c.Password, "Elasticsearch basic-auth password")
	fs.StringVar(&c.CACertFile, "es-ca-cert", c.CACertFile, "PEM file of CA certificates to trust for https node URLs")
	fs.StringVar(&c.CloudID, "es-cloud-id", c.CloudID, "Elastic Cloud deployment ID (instead of --es-url)")
	fs.StringVar(&c.IndexPrefix, "es-index-prefix", DefaultPrefix, "prefix of the Elasticsearch alias, index and template names")
	fs.StringVar(&c.Analyzer, "es-analyzer", "standard", `analyzer of title and body for new indices ("english" needs a full distribution)`)
}

// Enabled reports whether any node is configured, so a command can choose
// between Elasticsearch and the embedded store.
func (c Config) Enabled() bool { return len(c.URLs) > 0 || c.CloudID != "" }

// urlList is a flag.Value that accepts repeated and comma-separated URLs.
type urlList []string

func (l *urlList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *urlList) Set(v string) error {
	for _, u := range strings.Split(v, ",") {
		if u = strings.TrimSpace(u); u != "" {
			*l = append(*l, u)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.IndexPrefix == "" {
		c.IndexPrefix = DefaultPrefix
	}
	if c.Analyzer == "" {
		c.Analyzer = "standard"
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 60 * time.Second
	}
	return c
}

// NewClient returns a client for the configured cluster.
func NewClient(c Config) (*elasticsearch.Client, error) {
	c = c.withDefaults()
	if !c.Enabled() {
		return nil, errors.New("elasticsearch: no node configured (--es-url or --es-cloud-id)")
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: c.RequestTimeout,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
	if c.CACertFile != "" {
		pem, err := os.ReadFile(c.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch: CA certificate: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("elasticsearch: CA certificate %s: no PEM certificate found", c.CACertFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	esc := elasticsearch.Config{
		Addresses: c.URLs,
		CloudID:   c.CloudID,
		APIKey:    c.APIKey,
		Username:  c.Username,
		Password:  c.Password,
		Transport: ownedBody{next: tr},
		// The transport retries 502/503/504 and network errors on the
		// next node; the bulk sink adds its own longer backoff on top.
		RetryBackoff: func(attempt int) time.Duration { return time.Duration(attempt) * 100 * time.Millisecond },
	}
	cl, err := elasticsearch.NewClient(esc)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
	}
	return cl, nil
}
