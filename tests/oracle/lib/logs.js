'use strict'
// Captures npm's log events (proc-log emits `process.emit('log', level, ...args)`)
// and renders warn/error events exactly as npm's display prints them
// (lib/utils/display.js #writeLog + lib/utils/format.js), without colours:
//   prefix = ['npm', level, title]   (title = first argument, if truthy)
//   text   = util.formatWithOptions({colors:false}, ...rest), C0/C1 escaped, redacted
//   every line of text gets `<prefix> ` in front (`<prefix>` alone for empty lines)
// One event may therefore render as several lines; they are kept together in
// one string joined by "\n" (no trailing newline).

const LEVELS = new Set(['warn', 'error'])

const captureLogs = (format) => {
  const lines = []
  const render = (level, args) => {
    const rest = [...args]
    const title = rest.shift()
    const text = format.formatWithOptions(
      { prefix: ['npm', level, title || null], colors: false, eol: '\n' },
      ...rest
    )
    return text.replace(/\n$/, '')
  }
  const onLog = (level, ...args) => {
    if (LEVELS.has(level)) {
      lines.push(render(level, args))
    }
  }
  process.on('log', onLog)
  return {
    lines,
    stop: () => process.off('log', onLog),
  }
}

module.exports = { captureLogs }
