// Preloaded into elasticdump by export/bench/run.sh (node --require).
// elasticdump learns the Elasticsearch version from GET /, which the test
// distribution of Elasticsearch answers with 405. This sets the version
// from ES_VERSION instead, before elasticdump would ask; nothing else of
// elasticdump changes (it still reads with its default scroll search).
const path = require('path')
const dir = process.env.ELASTICDUMP_DIR
const { elasticsearch } = require(path.join(dir, 'lib', 'transports', 'elasticsearch.js'))
const version = process.env.ES_VERSION
elasticsearch.prototype.version = function (prefix, callback) {
  if (!this.ESversion) {
    this.ESFullversion = version
    this.ESversion = version.split('.')[0]
    this.ESDistribution = 'elasticsearch'
    this.DistributionVersion = version
    this.IsOpenSearch = false
    this.setSearchBody()
  }
  callback()
}
