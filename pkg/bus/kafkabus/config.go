// Package kafkabus carries articles between pipeline processes over Apache
// Kafka. It implements the bus.Reader and bus.Writer contracts with
// at-least-once delivery: a consumed message is committed only after every
// effect of it (the produced output, the stored article, or a dead letter)
// is durable, and commits advance over the contiguous prefix of finished
// messages only, so concurrent workers never commit past unfinished work.
//
// It is built on github.com/segmentio/kafka-go.
package kafkabus

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// Conn says how to reach the cluster. The same settings serve producers,
// consumers and admin requests, so a secured cluster is configured once.
type Conn struct {
	Brokers  []string
	TLS      *tls.Config    // nil: plaintext
	SASL     sasl.Mechanism // nil: no authentication
	ClientID string
}

func (c Conn) validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("kafkabus: no brokers")
	}
	return nil
}

// Dialer returns a kafka-go dialer with c's settings, for consumer groups
// and partition readers built outside this package.
func (c Conn) Dialer() *kafka.Dialer { return c.dialer() }

// Transport returns a kafka-go transport with c's settings, for writers
// and clients built outside this package.
func (c Conn) Transport() *kafka.Transport { return c.transport() }

// Client returns a kafka-go client of c's brokers.
func (c Conn) Client() *kafka.Client { return c.client() }

func (c Conn) dialer() *kafka.Dialer {
	return &kafka.Dialer{Timeout: 10 * time.Second, DualStack: true, TLS: c.TLS, SASLMechanism: c.SASL, ClientID: c.ClientID}
}

func (c Conn) transport() *kafka.Transport {
	return &kafka.Transport{TLS: c.TLS, SASL: c.SASL, ClientID: c.ClientID, DialTimeout: 10 * time.Second}
}

func (c Conn) client() *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: c.transport(), Timeout: 30 * time.Second}
}

// Security holds the TLS and SASL settings as they come from flags, before
// files are read and mechanisms are built.
type Security struct {
	TLS           bool   // use TLS even without CA or client certificate
	CAFile        string // PEM bundle of CAs that sign the brokers' certificates
	CertFile      string // PEM client certificate for mutual TLS
	KeyFile       string // PEM key of CertFile
	SASLMechanism string // "", PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	Username      string
	Password      string
}

// Apply sets the TLS and SASL fields of c from s.
func (s Security) Apply(c *Conn) error {
	if s.TLS || s.CAFile != "" || s.CertFile != "" || s.KeyFile != "" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if s.CAFile != "" {
			pem, err := os.ReadFile(s.CAFile)
			if err != nil {
				return fmt.Errorf("kafka TLS CA: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return fmt.Errorf("kafka TLS CA %s: no PEM certificates", s.CAFile)
			}
			cfg.RootCAs = pool
		}
		if (s.CertFile == "") != (s.KeyFile == "") {
			return errors.New("kafka TLS: give both the client certificate and its key, or neither")
		}
		if s.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(s.CertFile, s.KeyFile)
			if err != nil {
				return fmt.Errorf("kafka TLS client certificate: %w", err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		c.TLS = cfg
	}
	switch strings.ToUpper(s.SASLMechanism) {
	case "":
		if s.Username != "" {
			return errors.New("kafka SASL: username given without a mechanism")
		}
	case "PLAIN":
		c.SASL = plain.Mechanism{Username: s.Username, Password: s.Password}
	case "SCRAM-SHA-256", "SCRAM-SHA-512":
		algo := scram.SHA256
		if strings.HasSuffix(strings.ToUpper(s.SASLMechanism), "512") {
			algo = scram.SHA512
		}
		m, err := scram.Mechanism(algo, s.Username, s.Password)
		if err != nil {
			return fmt.Errorf("kafka SASL %s: %w", s.SASLMechanism, err)
		}
		c.SASL = m
	default:
		return fmt.Errorf("kafka SASL mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.SASLMechanism)
	}
	return nil
}
