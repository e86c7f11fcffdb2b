// Imported first by bench/run.ts: the handlers' logger is created when their modules load, and
// the bench's own process must not print a log line per measured request over its table.
// (The cold-start processes log at the level the app ships with; their output is discarded.)
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
