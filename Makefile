# wirewatch: build, run the demo, test, benchmark, lint.
# `make run` and `make test` are the two commands a new user needs.

GO        ?= go
BIN       := bin/wirewatch
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
DATA      ?= ./data
# Benchmarks: how often each runs; medians are reported over the runs.
BENCHCOUNT ?= 5
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

# The integration tests find the servers here; `make test` starts them.
export WIREWATCH_TEST_KAFKA ?= 127.0.0.1:9092
export WIREWATCH_TEST_ES ?= http://127.0.0.1:9200

.PHONY: build run test services chromium services-stop bench bench-export bench-crawl bench-search eval lint clean fuzz chaos

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/wirewatch

## run: crawl the bundled demo site into $(DATA), show a few searches, then
## serve the web page on $(LISTEN) until Ctrl-C (`make run LISTEN=` crawls and exits).
LISTEN    ?= 127.0.0.1:8080
run: build
	$(BIN) demo --data $(DATA) $(if $(LISTEN),--listen $(LISTEN))

## test: the whole suite with the race detector (CI runs exactly this).
## It first starts real Kafka and Elasticsearch (downloaded once from Maven Central).
test: services chromium
	$(GO) test -race -timeout 25m ./...

services:
	deployments/local/services.sh start

## chromium: the headless browser the web page's tests drive (Debian's package).
chromium:
	deployments/local/chromium.sh

services-stop:
	deployments/local/services.sh stop

## bench: benchmarks with medians over BENCHCOUNT runs; benchstat prints
## each peer pair (impl=wirewatch vs impl=colly/raw/...) side by side, then
## the embedded store's export at each store size (BenchmarkExportSize,
## which fills stores of up to 200,000 articles first: hence the timeout).
bench: services
	$(GO) test -run '^$$' -bench . -skip '$(SEARCHBENCH)' -benchmem -count $(BENCHCOUNT) -timeout 2h ./... | tee bench.out
	$(GO) run golang.org/x/perf/cmd/benchstat@latest -col /impl bench.out
	$(GO) run golang.org/x/perf/cmd/benchstat@latest -filter '.name:ExportSize' -col /articles bench.out
	$(MAKE) bench-export
	$(MAKE) bench-crawl
	$(MAKE) bench-search

## bench-search: GET /api/v1/search with facets and a timeline over 200,000
## generated articles in the embedded store and in Elasticsearch (p50/p95),
## deep keyset pages, and the page's time to first results in headless
## Chromium. The store is generated once under $$TMPDIR and kept; the index
## (wwbench-api-200000) is kept across the BENCHCOUNT runs, then deleted.
SEARCHBENCH := SearchAPI|DeepPage|PageFirstResults
bench-search: services chromium
	WIREWATCH_BENCH_KEEP=1 $(GO) test -run '^$$' -bench '$(SEARCHBENCH)' -benchtime 5x -count $(BENCHCOUNT) -timeout 90m ./server | tee bench-search.out
	-curl -s -X DELETE '$(WIREWATCH_TEST_ES)/wwbench-api-200000-articles-v*' >/dev/null
	-curl -s -X DELETE '$(WIREWATCH_TEST_ES)/_index_template/wwbench-api-200000-articles' >/dev/null

## bench-export: `wirewatch export` against elasticdump (npm, installed under
## ~/.cache/wirewatch-bench) on the same Elasticsearch index, medians of 3.
bench-export: services
	export/bench/run.sh

## bench-crawl: crawl throughput (articles/s) with 1, 2 and 3 `wirewatch crawl`
## processes of one group on 30 loopback sites, 300ms between requests to a
## host, medians of 3 and the ratios against one process.
## Minutes long, so `bench`'s own pass skips it (WIREWATCH_BENCH_CRAWL unset).
bench-crawl: services
	deployments/local/bench-crawl.sh bench-crawl.out

## eval: quality and speed against peers, same pages in the same run:
## the cleaner vs go-trafilatura and go-readability on both dev sets, the
## crawler's article verdict on the dev sets' articles and on WCXB's hub
## pages, the entity tagger vs prose alone on the CoNLL-2003 dev set
## (../shared/ner), and the event detector vs a keyword search.
## TRAFILATURA=/path/to/a/checkout of trafilatura's repository adds its
## evaluation set, never used for tuning, to the cleaner's and the verdict's
## figures. The peers are benchmark-only dependencies in cmd/wweval-clean's
## own module.
TRAFILATURA ?=
eval:
	cd cmd/wweval-clean && $(GO) run . -reps 3 $(if $(TRAFILATURA),-trafilatura $(abspath $(TRAFILATURA)))
	WW_SNIPPETS=$(abspath $(TRAFILATURA)) $(GO) test -count=1 -run 'TestArticleVerdictDevSets$$' -v ./crawler | grep -E 'held back|let through|^(ok|FAIL|---)'
	GOMAXPROCS=1 $(GO) run ./cmd/wweval-ner
	GOMAXPROCS=1 $(GO) run ./cmd/wweval-events

## fuzz: every fuzz target for FUZZTIME each (the seed corpora already run
## in `make test`). A crasher is saved under the package's testdata/fuzz:
## fix the cause and commit it there, where `make test` replays it.
FUZZTIME ?= 60s
FUZZ_TARGETS ?= \
	./crawler:FuzzFeedEntries ./crawler:FuzzSitemapEntries ./crawler:FuzzRobots \
	./crawler/clean:FuzzClean ./crawler/clean:FuzzCleanBoundedTime \
	./extractor/figures:FuzzExtract ./extractor/events:FuzzDetect ./pkg/article:FuzzUnmarshal
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

## chaos: the roles as separate processes over a private Kafka broker and
## Elasticsearch node (127.0.0.1:19092-19094 and :19200, run root
## /tmp/ww-chaos; never the shared ones), faults injected for CHAOS_DURATION
## (kill -9, broker and node restarts, a full disk, SIGSTOP past the session
## timeout) while a site keeps publishing; prints the table of lost and
## duplicated articles and alerts, and fails on a loss, a duplicate or a
## secret in a log. CHAOS_SEED repeats a run's choices; CHAOS_ARGS adds
## flags (`go run ./cmd/wwchaos -h`). Needs root for the tmpfs mounts.
CHAOS_DURATION ?= 3m
CHAOS_SEED ?= 0
CHAOS_ARGS ?=
chaos: build
	CHAOS_DURATION=$(CHAOS_DURATION) $(GO) run ./cmd/wwchaos -bin $(BIN) -seed $(CHAOS_SEED) $(CHAOS_ARGS)

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin bench.out bench-search.out
