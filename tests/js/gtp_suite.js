// The @sabaki/gtp side of tests/integration/test_gtp_sabaki.py: the GTP client of the
// Sabaki Go GUI drives `traceplay gtp` through every command, the error cases, the
// analysis commands (stopped by the next command, as Sabaki does) and a full game to two
// passes.
//
//   node gtp_suite.js pipe TRACEPLAY_BIN TMPDIR        spawns `traceplay gtp` (Controller)
//   node gtp_suite.js tcp HOST PORT TMPDIR             connects (net.Socket + StreamController),
//                                                      plus a second connection at once
// Prints one JSON line {"checks": N, "game_moves": M, "result": "B+..."}; exits 1 with the
// failed check's message otherwise.
'use strict'
const assert = require('assert/strict')
const fs = require('fs')
const net = require('net')
const path = require('path')
const {Controller, StreamController} = require('@sabaki/gtp')
const sgf = require('@sabaki/sgf')

const VERTEX = /^(pass|[A-HJ-T]([1-9]|1[0-9]))$/
let checks = 0

async function ok(ctl, line, expected) {
  const [name, ...args] = line.split(' ')
  const response = await ctl.sendCommand({name, args})
  assert.equal(response.error, false, `${line}: ${response.content}`)
  if (expected !== undefined) assert.equal(response.content, expected, line)
  checks++
  return response.content
}

async function fails(ctl, line, message) {
  const [name, ...args] = line.split(' ')
  const response = await ctl.sendCommand({name, args})
  assert.equal(response.error, true, `${line} should fail`)
  assert.equal(response.content, message, line)
  checks++
}

// Starts an analysis, waits for `updates` info lines, then sends `next` (which stops
// it); returns the analysis's lines and the response to `next`.
async function analyse(ctl, line, updates, next = 'name') {
  const [name, ...args] = line.split(' ')
  const lines = []
  let sent = null
  const done = ctl.sendCommand({name, args}, ({line: l}) => {
    if (l.startsWith('info') || l.startsWith('play')) lines.push(l)
    if (sent == null && lines.length >= updates) {
      const [n, ...a] = next.split(' ')
      sent = ctl.sendCommand({name: n, args: a})
    }
  })
  const response = await done
  assert.equal(response.error, false, `${line}: ${response.content}`)
  const nextResponse = sent ? await sent : null
  checks++
  return {lines, nextResponse}
}

function parseInfo(line) {
  const entries = []
  let ownership = null
  const words = line.trim().split(/\s+/)
  let i = 0
  while (i < words.length) {
    if (words[i] === 'ownership') {
      ownership = words.slice(i + 1).map(Number)
      break
    }
    assert.equal(words[i], 'info')
    i++
    const entry = {pv: []}
    while (i < words.length && words[i] !== 'info' && words[i] !== 'ownership') {
      if (words[i] === 'pv') {
        i++
        while (i < words.length && words[i] !== 'info' && words[i] !== 'ownership') entry.pv.push(words[i++])
        break
      }
      entry[words[i]] = words[i + 1]
      i += 2
    }
    entries.push(entry)
  }
  return {entries, ownership}
}

async function protocol(ctl) {
  await ok(ctl, 'protocol_version', '2')
  await ok(ctl, 'name', 'traceplay')
  assert.ok((await ok(ctl, 'version')).length > 0)
  await ok(ctl, 'known_command play', 'true')
  await ok(ctl, 'known_command no_such_command', 'false')
  const list = (await ok(ctl, 'list_commands')).split('\n')
  for (const name of ['protocol_version', 'name', 'version', 'known_command', 'list_commands', 'quit', 'boardsize',
                      'clear_board', 'komi', 'play', 'genmove', 'undo', 'showboard', 'final_score',
                      'final_status_list', 'fixed_handicap', 'place_free_handicap', 'set_free_handicap',
                      'time_settings', 'time_left', 'kgs-time_settings', 'loadsgf', 'printsgf', 'reg_genmove',
                      'lz-analyze', 'lz-genmove_analyze', 'kata-analyze', 'kata-genmove_analyze', 'stop'])
    assert.ok(list.includes(name), `list_commands lacks ${name}`)
  await fails(ctl, 'no_such_command', 'unknown command')
  // Ids are echoed.
  const r = await ctl.sendCommand({id: 42, name: 'name'})
  assert.equal(r.id, 42)
  const e = await ctl.sendCommand({id: 43, name: 'boardsize', args: ['1']})
  assert.equal(e.id, 43)
  assert.equal(e.content, 'unacceptable size')
  checks += 2
}

async function gameCommands(ctl, tmp) {
  await ok(ctl, 'boardsize 9')
  await fails(ctl, 'boardsize 26', 'unacceptable size')
  await fails(ctl, 'boardsize nine', 'syntax error')
  await ok(ctl, 'clear_board')
  await ok(ctl, 'komi 7.5')
  await fails(ctl, 'komi seven', 'syntax error')
  await ok(ctl, 'play b E5')
  await fails(ctl, 'play w E5', 'illegal move')
  await fails(ctl, 'play w Z5', 'syntax error')
  await fails(ctl, 'play purple E4', 'syntax error')
  const reply = await ok(ctl, 'genmove w')
  assert.match(reply, VERTEX)
  const board = await ok(ctl, 'showboard')
  assert.ok(board.includes('A B C D E F G H J'), board)
  assert.ok(board.includes('X'), board)
  const regular = await ok(ctl, 'reg_genmove b')
  assert.match(regular, VERTEX)
  await ok(ctl, 'undo')
  await ok(ctl, 'undo')
  await fails(ctl, 'undo', 'cannot undo')
  // Handicap.
  await ok(ctl, 'fixed_handicap 5', 'C7 G7 E5 C3 G3')
  await fails(ctl, 'fixed_handicap 2', 'board not empty')
  await fails(ctl, 'undo', 'cannot undo')
  await ok(ctl, 'clear_board')
  await fails(ctl, 'fixed_handicap 10', 'invalid number of stones')
  assert.equal((await ok(ctl, 'place_free_handicap 4')).split(' ').length, 4)
  await fails(ctl, 'set_free_handicap C3 G7', 'board not empty')
  await ok(ctl, 'clear_board')
  await fails(ctl, 'set_free_handicap C3 C3', 'bad vertex list')
  await fails(ctl, 'set_free_handicap C3', 'invalid number of stones')
  await ok(ctl, 'set_free_handicap C3 G7')
  await ok(ctl, 'clear_board')
  // Clocks.
  await ok(ctl, 'time_settings 300 10 5')
  await ok(ctl, 'time_left b 250 0')
  await fails(ctl, 'time_settings 300 10', 'syntax error')
  await fails(ctl, 'time_left b x 0', 'syntax error')
  await ok(ctl, 'kgs-time_settings byoyomi 300 10 3')
  await ok(ctl, 'kgs-time_settings canadian 300 30 10')
  await ok(ctl, 'kgs-time_settings absolute 300')
  await ok(ctl, 'kgs-time_settings none')
  await fails(ctl, 'kgs-time_settings sundial 5', 'syntax error')
  // SGF both ways, through @sabaki/sgf.
  const file = path.join(tmp, `load-${process.pid}-${Math.random().toString(36).slice(2)}.sgf`)
  fs.writeFileSync(file, '(;FF[4]GM[1]SZ[9]KM[6.5];B[ee];W[cc];B[gg];W[gc])')
  await ok(ctl, `loadsgf ${file} 3`)
  let printed = sgf.parse(await ok(ctl, 'printsgf'))
  let moves = []
  for (let node = printed[0]; node; node = node.children[0]) {
    if (node.data.B) moves.push('B' + node.data.B[0])
    if (node.data.W) moves.push('W' + node.data.W[0])
  }
  assert.deepEqual(moves, ['Bee', 'Wcc'])
  assert.equal(printed[0].data.KM[0], '6.5')
  await ok(ctl, `loadsgf ${file}`)
  const out = path.join(tmp, `print-${process.pid}-${Math.random().toString(36).slice(2)}.sgf`)
  await ok(ctl, `printsgf ${out}`)
  printed = sgf.parse(fs.readFileSync(out, 'utf8'))
  moves = []
  for (let node = printed[0]; node; node = node.children[0]) {
    if (node.data.B) moves.push('B' + node.data.B[0])
    if (node.data.W) moves.push('W' + node.data.W[0])
  }
  assert.deepEqual(moves, ['Bee', 'Wcc', 'Bgg', 'Wgc'])
  await fails(ctl, `loadsgf ${path.join(tmp, 'no-such-file.sgf')}`, 'cannot load file')
  await ok(ctl, 'komi 7.5')
  await ok(ctl, 'stop')
}

async function analysisCommands(ctl) {
  await ok(ctl, 'clear_board')
  await ok(ctl, 'play b E5')
  // Leela Zero: all candidates of one update on one line, integers x 10000.
  let {lines, nextResponse} = await analyse(ctl, 'lz-analyze w 10', 2)
  assert.ok(lines.length >= 2, `lz-analyze gave ${lines.length} lines`)
  for (const line of lines) {
    const {entries} = parseInfo(line)
    assert.ok(entries.length >= 1)
    entries.forEach((e, i) => {
      assert.match(e.move, VERTEX)
      for (const key of ['visits', 'winrate', 'prior', 'lcb']) assert.match(e[key], /^\d+$/, `${key} in ${line}`)
      assert.ok(+e.winrate <= 10000 && +e.prior <= 10000 && +e.lcb <= 10000)
      assert.equal(+e.order, i)
      assert.equal(e.pv[0], e.move)
    })
  }
  assert.equal(nextResponse.content, 'traceplay')  // the stopping line ran as a command
  // KataGo: floats in [0, 1], scores, ownership once after the entries.
  ;({lines, nextResponse} = await analyse(ctl, 'kata-analyze w interval 10 ownership true', 2, 'protocol_version'))
  assert.ok(lines.length >= 2)
  for (const line of lines) {
    const {entries, ownership} = parseInfo(line)
    for (const e of entries) {
      for (const key of ['winrate', 'prior', 'lcb']) assert.ok(+e[key] >= 0 && +e[key] <= 1, `${key} in ${line}`)
      assert.ok(Number.isFinite(+e.scoreLead) && Number.isFinite(+e.scoreMean))
      assert.match(e.visits, /^\d+$/)
    }
    assert.equal(ownership.length, 81)
    assert.ok(ownership.every(v => v >= -1 && v <= 1))
    assert.equal(line.indexOf('ownership'), line.lastIndexOf('ownership'))
  }
  assert.equal(nextResponse.content, '2')
  // Sabaki's own stop: any next line, here `stop`.
  ;({nextResponse} = await analyse(ctl, 'lz-analyze w 5', 1, 'stop'))
  assert.equal(nextResponse.error, false)
  await fails(ctl, 'lz-analyze w 10 unknown_keyword 3', 'syntax error')
  // genmove_analyze: streams, then plays; ends with `play MOVE`.
  ;({lines} = await analyse(ctl, 'lz-genmove_analyze w 10', 1000))
  assert.match(lines[lines.length - 1], /^play (pass|resign|[A-HJ-T][1-9])$/)
  ;({lines} = await analyse(ctl, 'kata-genmove_analyze b 10', 1000))
  assert.match(lines[lines.length - 1], /^play (pass|resign|[A-HJ-T][1-9])$/)
  const printed = sgf.parse(await ok(ctl, 'printsgf'))
  assert.ok(printed[0].children[0].children[0], 'the genmove_analyze moves are played')
}

async function scoring(ctl) {
  await ok(ctl, 'clear_board')
  for (let row = 1; row <= 9; row++) {
    await ok(ctl, `play b D${row}`)
    await ok(ctl, `play w E${row}`)
  }
  await ok(ctl, 'play w B5')
  await ok(ctl, 'final_status_list dead', 'B5')
  assert.equal((await ok(ctl, 'final_status_list alive')).split('\n').length, 2)
  await ok(ctl, 'final_status_list seki', '')
  await ok(ctl, 'final_score', 'W+16.5')
  await fails(ctl, 'final_status_list undead', 'syntax error')
}

// A whole game, the bot against itself, until two passes (or a resignation).
async function fullGame(ctl) {
  await ok(ctl, 'clear_board')
  let passes = 0, moves = 0, resigned = false
  const colors = ['b', 'w']
  while (passes < 2 && moves < 300) {
    const move = await ok(ctl, `genmove ${colors[moves % 2]}`)
    moves++
    if (move === 'resign') {
      resigned = true
      break
    }
    assert.match(move, VERTEX)
    passes = move === 'pass' ? passes + 1 : 0
  }
  assert.ok(passes === 2 || resigned, `no end after ${moves} moves`)
  const result = await ok(ctl, 'final_score')
  assert.match(result, /^([BW]\+\d+(\.\d+)?|0)$/)
  return {moves, result: resigned ? `${moves % 2 ? 'W' : 'B'}+R` : result}  // odd: Black resigned
}

async function suite(ctl, tmp) {
  await protocol(ctl)
  await gameCommands(ctl, tmp)
  await analysisCommands(ctl)
  await scoring(ctl)
  return fullGame(ctl)
}

function connect(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({host, port}, () => resolve(socket))
    socket.on('error', reject)
  })
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2)
  let game
  if (mode === 'pipe') {
    const [bin, tmp] = rest
    const ctl = new Controller(bin, ['gtp', '--size', '9', '--visits', '200'])
    ctl.start()
    game = await suite(ctl, tmp)
    await ok(ctl, 'quit')
    // The engine exits by itself after quit (Controller drops its process when it does).
    const stopped = await new Promise(resolve => {
      if (ctl.process == null) return resolve({signal: 0})
      ctl.once('stopped', resolve)
      setTimeout(() => resolve({timeout: true}), 10000)
    })
    // (Controller passes the process's exit code as `signal`.)
    assert.ok(!stopped.timeout, 'the engine did not exit after quit')
    assert.equal(stopped.signal, 0, 'exit status after quit')
  } else if (mode === 'tcp') {
    const [host, port, tmp] = rest
    const a = await connect(host, +port)
    const b = await connect(host, +port)
    const ctlA = new StreamController(a, a)
    const ctlB = new StreamController(b, b)
    // Two connections, two engines: what one plays the other does not see.
    await ok(ctlB, 'boardsize 9')
    await ok(ctlB, 'clear_board')
    await ok(ctlA, 'boardsize 9')
    await ok(ctlA, 'clear_board')
    await ok(ctlA, 'play b E5')
    await ok(ctlB, 'play w E5')
    const [gameA] = await Promise.all([suite(ctlA, tmp), ok(ctlB, 'genmove b')])
    game = gameA
    await ok(ctlB, 'quit')
    await ok(ctlA, 'quit')
    a.destroy()
    b.destroy()
  } else {
    throw new Error('usage: gtp_suite.js pipe BIN TMPDIR | tcp HOST PORT TMPDIR')
  }
  console.log(JSON.stringify({checks, game_moves: game.moves, result: game.result}))
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err && err.stack ? err.stack : String(err))
    process.exit(1)
  }
)
