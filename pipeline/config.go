package pipeline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/story"
)

// This file holds the configuration of every role: one struct per role,
// built from flag groups shared between roles. Each group registers its
// flags, with their defaults and usage, in one place (RegisterFlags), and
// checks them in one place (Validate); a command only registers, parses,
// validates and runs. Zero is taken as zero wherever it means something
// (no delay, no retries, no limit); where it would mean nothing, Validate
// refuses it, naming the flag: no value is silently replaced by a default.

// The defaults of the settings of more than one role, or of a role and
// the code it configures; each is defined here once.
const (
	defaultData            = "./data"
	defaultTopicPrefix     = "wirewatch."
	defaultPartitions      = 6
	defaultReplication     = 1
	defaultCompression     = "zstd"
	defaultMaxMessageBytes = 1_000_000
	defaultMaxInFlight     = 64
	defaultDrainTimeout    = 30 * time.Second
	defaultClientID        = "wirewatch"
	defaultSessionTimeout  = 10 * time.Second
	defaultRoleRetries     = 3
	// defaultStallAfter is how long a crawl may have URLs due and fetch
	// nothing before /readyz reports it stalled: well above --timeout
	// times --retries and a long --delay, so that a slow site does not
	// make readiness flap.
	defaultStallAfter  = 10 * time.Minute
	defaultServeListen = "127.0.0.1:8080"
)

// The consumer groups of the roles, by default.
const (
	CrawlGroupID   = "wirewatch-crawl"
	ExtractGroupID = "wirewatch-extract"
	StoryGroupID   = "wirewatch-story"
	IndexGroupID   = "wirewatch-index"
)

// StringList is a repeatable flag that also splits on commas, spaces and
// newlines, so that WIREWATCH_SEEDS="a b" works from the environment.
type StringList []string

// String joins the list with commas.
func (l *StringList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

// Set appends the values in v.
func (l *StringList) Set(v string) error {
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		*l = append(*l, f)
	}
	return nil
}

// Base is the settings every wirewatch command has.
type Base struct {
	// Data is the directory of the embedded store (--data, default
	// "./data").
	Data string
	// LogFormat is text or json (--log-format, default text).
	LogFormat string
	// LogLevel is debug, info, warn or error (--log-level, default info).
	LogLevel string
}

// RegisterFlags adds --data, --log-format and --log-level to fs.
func (b *Base) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&b.Data, "data", defaultData, "directory of the embedded store")
	fs.StringVar(&b.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&b.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
}

// Validate checks the logging settings.
func (b *Base) Validate() error {
	_, err := b.Logger(io.Discard)
	return err
}

// Logger returns the logger the settings describe, writing to w.
func (b *Base) Logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(b.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch b.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", b.LogFormat)
}

// CrawlerFlags is the crawler's settings, shared by run, demo and crawl.
// The defaults are crawler.DefaultOptions'.
type CrawlerFlags struct {
	// Once stops when nothing is left to fetch (--once); without it, the
	// seeds are polled again.
	Once bool
	// Seeds are page, feed and sitemap URLs, or files of them (--seeds,
	// repeatable; a command's arguments are added). At least one.
	Seeds StringList
	// UserAgent is sent with every request (--user-agent).
	UserAgent string
	// Delay is the pause between two requests to one host (--delay,
	// default 1s; 0: none).
	Delay time.Duration
	// Workers is the number of concurrent fetches (--workers, default 8;
	// positive).
	Workers int
	// PerHost is the number of concurrent fetches per host (--per-host,
	// default 1; positive).
	PerHost int
	// Timeout bounds one request (--timeout, default 30s; positive).
	Timeout time.Duration
	// MaxBytes is the largest page accepted, decoded (--max-bytes,
	// default 10 MiB; positive).
	MaxBytes int
	// MaxDepth is the link hops followed from a seed (--max-depth,
	// default 2; 0: none).
	MaxDepth int
	// Retries of a transient failure (--retries, default 3; 0: none).
	Retries int
	// Repoll is the first re-poll interval of seeds, feeds and sitemaps
	// (--repoll, default 5m; positive).
	Repoll time.Duration
	// RepollMin and RepollMax bound the re-poll interval (--repoll-min,
	// default 1m; --repoll-max, default 1h; positive).
	RepollMin, RepollMax time.Duration
	// RecheckMin is the least time between two fetches of a changed
	// article (--recheck-min, default 15m; positive).
	RecheckMin time.Duration
	// RecheckMax is the most re-checks of one article (--recheck-max,
	// default 10; 0: never re-checked).
	RecheckMax int
	// MaxPages is the most URLs queued per site (--max-pages, default
	// 100,000; 0: no limit).
	MaxPages int
	// MaxRedirects is the longest redirect chain followed
	// (--max-redirects, default 5; 0: a redirect fails the URL).
	MaxRedirects int
	// RetryWait is the back-off before the first retry (--retry-wait,
	// default 1s; positive).
	RetryWait time.Duration
	// IgnoreRobots ignores robots.txt (--ignore-robots).
	IgnoreRobots bool
	// AllowPrivate fetches from internal addresses (--allow-private).
	AllowPrivate bool
	// Include and Exclude are regexps a discovered URL must and must not
	// match (--include, --exclude; repeatable).
	Include, Exclude StringList
	// Progress is when run and demo show a live progress line: auto (on a
	// terminal), always or never (--progress, default auto). The crawl
	// role accepts it and shows none.
	Progress string
}

// RegisterFlags adds the crawler's flags to fs.
func (c *CrawlerFlags) RegisterFlags(fs *flag.FlagSet) {
	d := crawler.DefaultOptions() // the defaults are defined there, once
	fs.BoolVar(&c.Once, "once", false, "stop when nothing is left to fetch (default: keep polling the seeds)")
	fs.Var(&c.Seeds, "seeds", "seed URLs (pages, feeds, sitemaps) or files of URLs; repeatable, comma-separated")
	fs.StringVar(&c.UserAgent, "user-agent", d.UserAgent, "User-Agent; name a contact URL")
	fs.DurationVar(&c.Delay, "delay", d.Delay, "pause between requests to one host (0: none)")
	fs.IntVar(&c.Workers, "workers", d.Workers, "concurrent fetches overall")
	fs.IntVar(&c.PerHost, "per-host", d.PerHost, "concurrent fetches per host")
	fs.DurationVar(&c.Timeout, "timeout", d.Timeout, "timeout of one request")
	fs.IntVar(&c.MaxBytes, "max-bytes", d.MaxBytes, "largest page accepted, decoded; larger ones are reported, not truncated")
	fs.IntVar(&c.MaxDepth, "max-depth", d.MaxDepth, "link hops followed from a seed (0: none; a seed feed's or sitemap's entries are still fetched)")
	fs.IntVar(&c.Retries, "retries", d.Retries, "retries of a transient failure (timeouts, 429, 5xx; 0: none)")
	fs.DurationVar(&c.Repoll, "repoll", d.Repoll, "first re-poll interval of seeds, feeds and sitemaps without --once")
	fs.DurationVar(&c.RepollMin, "repoll-min", d.RepollMin, "shortest re-poll interval (reached while a feed keeps yielding new items)")
	fs.DurationVar(&c.RepollMax, "repoll-max", d.RepollMax, "longest re-poll interval (reached while a feed yields nothing new)")
	fs.DurationVar(&c.RecheckMin, "recheck-min", d.RecheckMin, "least time between two fetches of an article that a feed or sitemap says changed since it was fetched")
	fs.IntVar(&c.RecheckMax, "recheck-max", d.RecheckMax, "most re-checks of one article over its life (0: articles are fetched once, never re-checked)")
	fs.IntVar(&c.MaxPages, "max-pages", d.MaxPages, "most URLs queued per site, across runs (0: no limit); a seed's max-pages= overrides it")
	fs.IntVar(&c.MaxRedirects, "max-redirects", d.MaxRedirects, "longest redirect chain followed (0: a redirect fails the URL)")
	fs.DurationVar(&c.RetryWait, "retry-wait", d.RetryWait, "back-off before the first retry, doubled for each further one")
	fs.BoolVar(&c.IgnoreRobots, "ignore-robots", false, "ignore robots.txt (only for sites you own)")
	fs.BoolVar(&c.AllowPrivate, "allow-private", false, "fetch from loopback, private, link-local (cloud metadata) and unique-local addresses even when no seed is in their range")
	fs.Var(&c.Include, "include", "regexp a discovered URL must match (repeatable)")
	fs.Var(&c.Exclude, "exclude", "regexp a discovered URL must not match (repeatable)")
	fs.StringVar(&c.Progress, "progress", "auto", "live progress line: auto (on a terminal), always or never")
}

// Validate checks that there are seeds, that they parse, and the crawler's
// options (see Options).
func (c *CrawlerFlags) Validate() error {
	_, err := c.Entries()
	if err != nil {
		return err
	}
	_, err = c.Options()
	return err
}

// Entries parses the seeds; none is an error.
func (c *CrawlerFlags) Entries() ([]frontier.Entry, error) {
	if len(c.Seeds) == 0 {
		return nil, errors.New("no seeds: give --seeds URL (a page, a feed or a sitemap) or a file of URLs")
	}
	return crawler.ParseSeeds(c.Seeds)
}

// Options checks the settings, seeds aside, and returns them as the
// crawler's options. Every number is taken as given: zero means zero where
// it means something (no delay, depth, retries, redirects, re-checks; no
// page limit), and is refused where it would mean nothing.
func (c *CrawlerFlags) Options() (crawler.Options, error) {
	inc, err := compileAll("include", c.Include)
	if err != nil {
		return crawler.Options{}, err
	}
	exc, err := compileAll("exclude", c.Exclude)
	if err != nil {
		return crawler.Options{}, err
	}
	if err := positive(
		check{"workers", c.Workers > 0}, check{"per-host", c.PerHost > 0}, check{"max-bytes", c.MaxBytes > 0},
		check{"timeout", c.Timeout > 0}, check{"retry-wait", c.RetryWait > 0}, check{"recheck-min", c.RecheckMin > 0},
		check{"repoll", c.Repoll > 0}, check{"repoll-min", c.RepollMin > 0}, check{"repoll-max", c.RepollMax > 0},
	); err != nil {
		return crawler.Options{}, err
	}
	for _, n := range []struct {
		name string
		v    int
	}{
		{"max-depth", c.MaxDepth}, {"retries", c.Retries}, {"max-pages", c.MaxPages},
		{"max-redirects", c.MaxRedirects}, {"recheck-max", c.RecheckMax},
	} {
		if n.v < 0 {
			return crawler.Options{}, fmt.Errorf("--%s must be at least 0, not %d", n.name, n.v)
		}
	}
	if c.Delay < 0 {
		return crawler.Options{}, fmt.Errorf("--delay must be at least 0, not %s", c.Delay)
	}
	return crawler.Options{
		Once: c.Once, Repoll: c.Repoll, UserAgent: c.UserAgent, Delay: c.Delay, Workers: c.Workers,
		PerHost: c.PerHost, Timeout: c.Timeout, MaxBytes: c.MaxBytes, MaxDepth: c.MaxDepth, Retries: c.Retries,
		IgnoreRobots: c.IgnoreRobots, AllowPrivate: c.AllowPrivate, Include: inc, Exclude: exc,
		RepollMin: c.RepollMin, RepollMax: c.RepollMax, MaxPages: c.MaxPages, MaxRedirects: c.MaxRedirects, RetryWait: c.RetryWait,
		RecheckMin: c.RecheckMin, RecheckMax: c.RecheckMax,
	}, nil
}

func compileAll(flagName string, pats []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, p := range pats {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: %w", flagName, p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// check is one flag that must be positive, and whether it is.
type check struct {
	name string
	ok   bool
}

// positive returns an error naming the first flag of checks that is not
// positive.
func positive(checks ...check) error {
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("--%s must be positive", c.name)
		}
	}
	return nil
}

// KafkaFlags is the bus settings every Kafka role shares. Their names are
// a public contract: deployments set them as WIREWATCH_* variables.
type KafkaFlags struct {
	// Brokers are the bootstrap brokers, host:port (--kafka-brokers,
	// repeatable; at least one).
	Brokers StringList
	// TopicPrefix starts every topic name (--topic-prefix, default
	// "wirewatch.").
	TopicPrefix string
	// Partitions and Replication apply to topics created at start-up
	// (--topic-partitions, default 6; --topic-replication, default 1;
	// positive).
	Partitions, Replication int
	// Compression is none, gzip, snappy, lz4 or zstd
	// (--kafka-compression, default zstd).
	Compression string
	// MaxMessageBytes is the broker's message size limit
	// (--kafka-max-message-bytes, default 1,000,000; positive).
	MaxMessageBytes int
	// MaxInFlight bounds the messages a process holds (--max-in-flight,
	// default 64; positive).
	MaxInFlight int
	// DrainTimeout bounds the graceful stop (--drain-timeout, default
	// 30s; positive).
	DrainTimeout time.Duration
	// ClientID is sent to the brokers (--kafka-client-id, default
	// "wirewatch").
	ClientID string
	// Security is TLS and SASL (--kafka-tls*, --kafka-sasl-*; default
	// none).
	Security kafkabus.Security
}

// RegisterFlags adds the Kafka flags to fs.
func (k *KafkaFlags) RegisterFlags(fs *flag.FlagSet) {
	fs.Var(&k.Brokers, "kafka-brokers", "Kafka bootstrap brokers host:port (repeatable, comma-separated)")
	fs.StringVar(&k.TopicPrefix, "topic-prefix", defaultTopicPrefix, "prefix of the topic names (articles.clean, articles.tagged, dlq)")
	fs.IntVar(&k.Partitions, "topic-partitions", defaultPartitions, "partitions of topics created at start-up")
	fs.IntVar(&k.Replication, "topic-replication", defaultReplication, "replication factor of topics created at start-up")
	fs.StringVar(&k.Compression, "kafka-compression", defaultCompression, "compression: none, gzip, snappy, lz4 or zstd")
	fs.IntVar(&k.MaxMessageBytes, "kafka-max-message-bytes", defaultMaxMessageBytes, "broker message size limit; larger articles (compressed) are dead-lettered")
	fs.IntVar(&k.MaxInFlight, "max-in-flight", defaultMaxInFlight, "messages held at once (backpressure bound)")
	fs.DurationVar(&k.DrainTimeout, "drain-timeout", defaultDrainTimeout, "on SIGTERM, how long in-flight messages may take before the process gives up on them")
	fs.StringVar(&k.ClientID, "kafka-client-id", defaultClientID, "client id sent to the brokers")
	fs.BoolVar(&k.Security.TLS, "kafka-tls", false, "connect with TLS (implied by the other --kafka-tls-* flags)")
	fs.StringVar(&k.Security.CAFile, "kafka-tls-ca", "", "PEM file of CAs for the brokers' certificates")
	fs.StringVar(&k.Security.CertFile, "kafka-tls-cert", "", "PEM client certificate (mutual TLS)")
	fs.StringVar(&k.Security.KeyFile, "kafka-tls-key", "", "PEM key of --kafka-tls-cert")
	fs.StringVar(&k.Security.SASLMechanism, "kafka-sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&k.Security.Username, "kafka-sasl-username", "", "SASL username")
	fs.StringVar(&k.Security.Password, "kafka-sasl-password", "", "SASL password (prefer WIREWATCH_KAFKA_SASL_PASSWORD)")
}

// Validate checks the Kafka settings.
func (k *KafkaFlags) Validate() error {
	_, err := k.Kafka(nil)
	return err
}

// Kafka checks the settings and returns them as the roles' bus settings,
// logging to log (nil: slog.Default()).
func (k *KafkaFlags) Kafka(log *slog.Logger) (Kafka, error) {
	if len(k.Brokers) == 0 {
		return Kafka{}, errors.New("no brokers: give --kafka-brokers host:port")
	}
	if err := positive(
		check{"topic-partitions", k.Partitions > 0}, check{"topic-replication", k.Replication > 0},
		check{"kafka-max-message-bytes", k.MaxMessageBytes > 0}, check{"max-in-flight", k.MaxInFlight > 0},
		check{"drain-timeout", k.DrainTimeout > 0},
	); err != nil {
		return Kafka{}, err
	}
	conn := kafkabus.Conn{Brokers: k.Brokers, ClientID: k.ClientID}
	if err := k.Security.Apply(&conn); err != nil {
		return Kafka{}, err
	}
	codec, err := kafkabus.ParseCompression(k.Compression)
	if err != nil {
		return Kafka{}, fmt.Errorf("--kafka-compression: %w", err)
	}
	return Kafka{
		Conn: conn, Topics: kafkabus.TopicNames(k.TopicPrefix), Partitions: k.Partitions, Replication: k.Replication,
		Compression: codec, MaxMessageBytes: k.MaxMessageBytes, MaxInFlight: k.MaxInFlight, DrainTimeout: k.DrainTimeout,
		Logger: log,
	}, nil
}

// ConsumerFlags is the settings of the roles that consume a topic:
// extract, story and index.
type ConsumerFlags struct {
	Kafka KafkaFlags
	// Group is the consumer group (--group; default the role's, e.g.
	// ExtractGroupID). Instances in one group share the partitions.
	Group string
	// Workers is the number of articles processed at once (--workers,
	// default 0: one per CPU).
	Workers int
	// Retries of a failing article before it is dead-lettered (--retries,
	// default 3; 0: dead-letter at the first failure).
	Retries int
	// SessionTimeout is how long the group waits for a dead instance
	// (--session-timeout, default 10s; positive).
	SessionTimeout time.Duration
	// Listen is the address of /metrics, /livez and /readyz (--listen,
	// default none).
	Listen string
}

// RegisterFlags adds the consumer's flags to fs, with group as the
// default of --group.
func (c *ConsumerFlags) RegisterFlags(fs *flag.FlagSet, group string) {
	c.Kafka.RegisterFlags(fs)
	fs.StringVar(&c.Group, "group", group, "consumer group; instances in one group share the partitions")
	fs.IntVar(&c.Workers, "workers", 0, "articles processed concurrently (default: number of CPUs)")
	fs.IntVar(&c.Retries, "retries", defaultRoleRetries, "retries of a failing article before it is dead-lettered")
	fs.DurationVar(&c.SessionTimeout, "session-timeout", defaultSessionTimeout, "how long the group waits for a dead instance before moving its partitions")
	registerListen(fs, &c.Listen)
}

// Validate checks the consumer's settings.
func (c *ConsumerFlags) Validate() error {
	_, err := c.Config(nil)
	return err
}

// Config checks the settings and returns them as the role's bus
// settings, logging to log.
func (c *ConsumerFlags) Config(log *slog.Logger) (Kafka, error) {
	k, err := c.Kafka.Kafka(log)
	if err != nil {
		return Kafka{}, err
	}
	switch {
	case c.Workers < 0:
		return Kafka{}, fmt.Errorf("--workers must be at least 0 (0: one per CPU), not %d", c.Workers)
	case c.Retries < 0:
		return Kafka{}, fmt.Errorf("--retries must be at least 0 (0: dead-letter at the first failure), not %d", c.Retries)
	case c.SessionTimeout <= 0:
		return Kafka{}, errors.New("--session-timeout must be positive")
	}
	k.GroupID, k.Workers, k.Retries, k.SessionTimeout = c.Group, c.Workers, c.Retries, c.SessionTimeout
	return k, nil
}

// StoryFlags is the settings of a process that keeps stories and alerts:
// run, demo, story and index.
type StoryFlags struct {
	// AlertsOut is where alerts go: a file (JSON lines, appended), "-" for
	// standard output, or "" for a log line each (--alerts-out).
	AlertsOut string
	// AllowPrivateWebhooks allows webhooks to internal addresses
	// (--allow-private-webhooks).
	AllowPrivateWebhooks bool
	// Window is how long story fingerprints are kept, by fetch time
	// (--story-window, default story.DefaultRetention; positive).
	Window time.Duration
}

// RegisterFlags adds --alerts-out, --allow-private-webhooks and
// --story-window to fs.
func (s *StoryFlags) RegisterFlags(fs *flag.FlagSet) {
	registerAlertsOut(fs, &s.AlertsOut)
	registerAllowPrivateWebhooks(fs, &s.AllowPrivateWebhooks)
	fs.DurationVar(&s.Window, "story-window", story.DefaultRetention,
		"how long story fingerprints are kept, by fetch time; a copy fetched later than this after its story's last kept copy starts a new story")
}

// Validate checks the story window.
func (s *StoryFlags) Validate() error {
	if s.Window <= 0 {
		return fmt.Errorf("--story-window must be positive, not %s", s.Window)
	}
	return nil
}

func registerAlertsOut(fs *flag.FlagSet, out *string) {
	fs.StringVar(out, "alerts-out", "", "where saved-search alerts go: a file (JSON lines, appended), - for standard output, or empty for a log line each")
}

func registerAllowPrivateWebhooks(fs *flag.FlagSet, allow *bool) {
	fs.BoolVar(allow, "allow-private-webhooks", false, "allow webhooks to loopback, private, link-local and metadata addresses")
}

// registerListen adds --listen to a long-running role, which then serves
// /metrics, /livez and /readyz only; run and demo serve the web page and
// API there too.
func registerListen(fs *flag.FlagSet, listen *string) {
	fs.StringVar(listen, "listen", "", "serve /metrics, /livez and /readyz on this address, e.g. :9100 (run and demo: also the web page and API); default none")
}

// registerStallAfter adds --stall-after to the roles that crawl.
func registerStallAfter(fs *flag.FlagSet, after *time.Duration) {
	fs.DurationVar(after, "stall-after", defaultStallAfter,
		"with --listen, /readyz fails when no page was fetched for this long while URLs were in flight or one had been due as long (0: never); an empty or idle frontier passes")
}

// APIFlags is the access settings of the web page and API, shared by
// serve, run and demo.
type APIFlags struct {
	// TokenFile holds the bearer token every /api/ request must send
	// (--api-token-file).
	TokenFile string
	// Token is the token itself (--api-token, better WIREWATCH_API_TOKEN).
	Token string
	// InsecureNoAuth serves a non-loopback address without a token
	// (--insecure-no-auth).
	InsecureNoAuth bool
}

// RegisterFlags adds --api-token-file, --api-token and --insecure-no-auth
// to fs.
func (a *APIFlags) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&a.TokenFile, "api-token-file", "", "file holding the bearer token every /api/ request must send")
	fs.StringVar(&a.Token, "api-token", "", "the bearer token itself; prefer WIREWATCH_API_TOKEN or --api-token-file, as flags show in process lists")
	fs.BoolVar(&a.InsecureNoAuth, "insecure-no-auth", false, "serve a non-loopback --listen address without an API token")
}

// RunConfig is the configuration of run and demo: every stage in one
// process over the embedded store under Data.
type RunConfig struct {
	Base
	Crawler CrawlerFlags
	Stories StoryFlags
	API     APIFlags
	// Listen is the address of the web page, the API, /metrics, /livez
	// and /readyz while the crawl runs and after it (--listen, default
	// none).
	Listen string
	// StallAfter is how long /readyz tolerates a crawl that fetches
	// nothing while URLs are due (--stall-after, default 10m; 0: never).
	StallAfter time.Duration
}

// RegisterFlags adds every flag of run and demo to fs.
func (c *RunConfig) RegisterFlags(fs *flag.FlagSet) {
	c.Base.RegisterFlags(fs)
	c.Crawler.RegisterFlags(fs)
	c.Stories.RegisterFlags(fs)
	c.API.RegisterFlags(fs)
	registerListen(fs, &c.Listen)
	registerStallAfter(fs, &c.StallAfter)
}

// Validate checks the configuration, naming the flag at fault.
func (c *RunConfig) Validate() error {
	return firstError(c.Base.Validate, c.Crawler.Validate, c.Stories.Validate)
}

// CrawlConfig is the configuration of the crawl role: the crawler as one
// process of a consumer group over Kafka.
type CrawlConfig struct {
	Base
	Crawler CrawlerFlags
	Kafka   KafkaFlags
	// Group is the consumer group (--group, default CrawlGroupID);
	// processes in one group share the hosts.
	Group string
	// PartitionBy is what one process owns: host, or domain (all of a
	// registered domain's hosts) (--partition-by, default host).
	PartitionBy string
	// SessionTimeout is how long the group waits for a silent process
	// (--session-timeout, default 10s; positive).
	SessionTimeout time.Duration
	// AlertsOut is accepted for the flag sets' sake and unused: the crawl
	// role does not alert (--alerts-out).
	AlertsOut string
	// Listen is the address of /metrics, /livez and /readyz (--listen,
	// default none).
	Listen string
	// StallAfter: see RunConfig.
	StallAfter time.Duration
}

// RegisterFlags adds every flag of the crawl role to fs.
func (c *CrawlConfig) RegisterFlags(fs *flag.FlagSet) {
	c.Base.RegisterFlags(fs)
	c.Crawler.RegisterFlags(fs)
	registerAlertsOut(fs, &c.AlertsOut)
	registerListen(fs, &c.Listen)
	registerStallAfter(fs, &c.StallAfter)
	c.Kafka.RegisterFlags(fs)
	fs.StringVar(&c.Group, "group", CrawlGroupID, "consumer group; crawl processes in one group share the hosts, each host crawled by one process at a time")
	fs.StringVar(&c.PartitionBy, "partition-by", "host", "what one process owns: host, or domain (the registered domain, all of a site's hosts)")
	fs.DurationVar(&c.SessionTimeout, "session-timeout", defaultSessionTimeout, "how long the group waits for a silent process before giving its hosts to others")
}

// Validate checks the configuration, naming the flag at fault.
func (c *CrawlConfig) Validate() error {
	return firstError(c.Base.Validate, c.Crawler.Validate, c.Kafka.Validate, func() error {
		switch {
		case c.PartitionBy != "host" && c.PartitionBy != "domain":
			return fmt.Errorf("--partition-by must be host or domain, not %q", c.PartitionBy)
		case c.Group == "":
			return errors.New("--group must not be empty")
		case c.SessionTimeout <= 0:
			return errors.New("--session-timeout must be positive")
		}
		return nil
	})
}

// ExtractConfig is the configuration of the extract role.
type ExtractConfig struct {
	Base
	Consumer ConsumerFlags
}

// RegisterFlags adds every flag of the extract role to fs.
func (c *ExtractConfig) RegisterFlags(fs *flag.FlagSet) {
	c.Base.RegisterFlags(fs)
	c.Consumer.RegisterFlags(fs, ExtractGroupID)
}

// Validate checks the configuration, naming the flag at fault.
func (c *ExtractConfig) Validate() error {
	return firstError(c.Base.Validate, c.Consumer.Validate)
}

// StoryConfig is the configuration of the story role.
type StoryConfig struct {
	Base
	Consumer ConsumerFlags
	Stories  StoryFlags
}

// RegisterFlags adds every flag of the story role to fs.
func (c *StoryConfig) RegisterFlags(fs *flag.FlagSet) {
	c.Base.RegisterFlags(fs)
	c.Consumer.RegisterFlags(fs, StoryGroupID)
	c.Stories.RegisterFlags(fs)
}

// Validate checks the configuration, naming the flag at fault.
func (c *StoryConfig) Validate() error {
	return firstError(c.Base.Validate, c.Consumer.Validate, c.Stories.Validate)
}

// IndexConfig is the configuration of the index role.
type IndexConfig struct {
	Base
	Consumer ConsumerFlags
	Stories  StoryFlags
	// ES names the Elasticsearch cluster the articles go to (--es-*);
	// without a node they go to the embedded store under Data.
	ES elastic.Config
	// StoryRole stores the clustered topic the story role produces,
	// leaving clustering and alerts to it (--story-role).
	StoryRole bool
}

// RegisterFlags adds every flag of the index role to fs.
func (c *IndexConfig) RegisterFlags(fs *flag.FlagSet) {
	c.Base.RegisterFlags(fs)
	c.Consumer.RegisterFlags(fs, IndexGroupID)
	c.ES.RegisterFlags(fs)
	c.Stories.RegisterFlags(fs)
	fs.BoolVar(&c.StoryRole, "story-role", false, "store the clustered topic that the story role produces, leaving story clustering and alerts to it")
}

// Validate checks the configuration, naming the flag at fault.
func (c *IndexConfig) Validate() error {
	return firstError(c.Base.Validate, c.Consumer.Validate, func() error {
		if c.StoryRole && c.Stories.AlertsOut != "" {
			return errors.New("--alerts-out with --story-role: the story role alerts")
		}
		return nil
	}, c.Stories.Validate)
}

// ServeConfig is the configuration of serve: the web page and API over
// the embedded store under Data or, with ES, Elasticsearch.
type ServeConfig struct {
	Base
	ES  elastic.Config
	API APIFlags
	// AllowPrivateWebhooks allows saved searches' webhooks to internal
	// addresses (--allow-private-webhooks).
	AllowPrivateWebhooks bool
	// Listen is the address of the page, the API, /metrics, /livez and
	// /readyz (--listen, default 127.0.0.1:8080).
	Listen string
}

// RegisterFlags adds every flag of serve to fs.
func (c *ServeConfig) RegisterFlags(fs *flag.FlagSet) {
	c.Base.RegisterFlags(fs)
	c.ES.RegisterFlags(fs)
	c.API.RegisterFlags(fs)
	registerAllowPrivateWebhooks(fs, &c.AllowPrivateWebhooks)
	fs.StringVar(&c.Listen, "listen", defaultServeListen, "address of the web page, the API, /metrics, /livez and /readyz")
}

// Validate checks the configuration, naming the flag at fault.
func (c *ServeConfig) Validate() error {
	return c.Base.Validate()
}

// firstError returns the first error of checks, in order.
func firstError(checks ...func() error) error {
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// DemoConfig is the configuration of demo: run, once, on the demo site
// (package demosite) that the command serves on loopback.
type DemoConfig struct {
	RunConfig
	// Queries are the searches shown after the crawl (--query, repeatable;
	// default: four that find articles of the demo corpus).
	Queries StringList
}

// RegisterFlags adds every flag of demo to fs: run's and --query.
func (c *DemoConfig) RegisterFlags(fs *flag.FlagSet) {
	c.RunConfig.RegisterFlags(fs)
	fs.Var(&c.Queries, "query", "queries to show after the crawl (repeatable)")
}

// OnSite points c at the demo site at url, crawled once. The crawler's
// flags not set on fs take the demo's values, which suit one loopback
// site: no delay, 4 fetches at once, and depth 1, since the demo pages
// keep their sites' own relative links, which lead nowhere on the demo
// host. Without --query, c gets the default queries.
func (c *DemoConfig) OnSite(url string, fs *flag.FlagSet) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c.Crawler.Seeds = StringList{url + "/"}
	c.Crawler.Once = true
	if !set["delay"] {
		c.Crawler.Delay = 0
	}
	if !set["per-host"] {
		c.Crawler.PerHost = 4
	}
	if !set["max-depth"] {
		c.Crawler.MaxDepth = 1
	}
	if len(c.Queries) == 0 {
		c.Queries = StringList{"place:Ukraine", "person:Trump tariffs", "org:NATO", `person:"Keir Starmer"`}
	}
}
