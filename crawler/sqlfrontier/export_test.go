package sqlfrontier

// CopyOldFile is copyOldFile, for the tests that run the crawler.
var CopyOldFile = copyOldFile
