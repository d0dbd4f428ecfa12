// The @sabaki/sgf side of tests/integration/test_sgf_sabaki.py: an SGF parser and
// writer that is not ours (the one Sabaki, the Go GUI, uses), driven from the test.
//
//   node sgf_check.js parse FILE...      print a JSON array, per file {"games": N,
//                                        "nodes": [data, ...], "branches": B} for its
//                                        first game: the main line's property maps
//                                        (values unescaped by @sabaki/sgf) and how many
//                                        nodes have more than one child
//   node sgf_check.js make DIR SEED...   per seed write DIR/sabaki-SEED.sgf, a random
//                                        game with variations, through @sabaki/sgf's
//                                        stringify; print a JSON array, per seed
//                                        {"nodes": [...]}: the main line as written
// (Several files a call: node takes a while to start.)
'use strict'
const fs = require('fs')
const sgf = require('@sabaki/sgf')

function mainLine(root) {
  const nodes = []
  let branches = 0
  for (let node = root; node != null; node = node.children[0]) {
    nodes.push(node.data)
    if (node.children.length > 1) branches++
  }
  return {nodes, branches}
}

// mulberry32: a small seeded generator, so a failing seed can be replayed.
function rng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const below = n => Math.floor(next() * n)
  return {next, below, pick: list => list[below(list.length)]}
}

const PIECES = ['a', 'Z', '7', ' ', ']', '\\', ':', '[', ';', '(', ')', '+', 'é', '囲碁']

function text(r, multiLine, max = 20) {
  let out = ''
  for (let i = r.below(max + 1); i > 0; i--) out += multiLine && r.below(8) === 0 ? '\n' : r.pick(PIECES)
  return out
}

function point(r, size) {
  return 'abcdefghijklmnopqrstuvwxy'[r.below(size)] + 'abcdefghijklmnopqrstuvwxy'[r.below(size)]
}

function points(r, size, max) {
  const out = []
  for (let i = 1 + r.below(max); i > 0; i--) out.push(point(r, size))
  return out
}

const UNKNOWN = ['GN', 'EV', 'PC', 'AP', 'TM', 'OT', 'BR', 'WR', 'BL', 'WL', 'GC', 'SO', 'KGSDE', 'KGSSC', 'MULTIGOGM']

function unknown(r, data) {
  for (let i = r.below(3); i > 0; i--) {
    const values = []
    for (let v = 1 + r.below(2); v > 0; v--) values.push(text(r, false, 10))
    data[r.pick(UNKNOWN)] = values
  }
}

function sequence(r, size, length, depth) {
  // A chain of nodes; now and then a second child starts a variation the reader skips.
  let first = null
  let last = null
  let color = 'B'
  for (let i = 0; i < length; i++) {
    const data = {}
    if (r.below(10) === 0) {
      if (r.below(2)) data.AB = points(r, size, 3)
      if (r.below(2)) data.AW = points(r, size, 3)
      data.AE = points(r, size, 2)
    } else {
      const pass = r.below(10) === 0
      data[color] = [pass ? (size <= 19 && r.below(2) ? 'tt' : '') : point(r, size)]
      color = color === 'B' ? 'W' : 'B'
    }
    if (r.below(5) === 0) data.C = [text(r, true, 40)]
    if (r.below(4) === 0) unknown(r, data)
    const node = {data, children: []}
    if (last) last.children.push(node)
    else first = node
    if (last && depth < 3 && r.below(8) === 0) last.children.push(sequence(r, size, 1 + r.below(5), depth + 1).first)
    last = node
  }
  return {first, last}
}

function make(seed, file) {
  const r = rng(seed)
  const size = r.below(3) ? r.pick([9, 13, 19]) : 2 + r.below(24)
  const root = {data: {FF: ['4'], GM: ['1'], SZ: [String(size)]}, children: []}
  if (r.below(4)) root.data.KM = [String((r.below(41) - 20) / 2)]
  if (r.below(3) === 0) {
    root.data.HA = [String(2 + r.below(8))]
    root.data.AB = points(r, size, 9)
  }
  for (const id of ['PB', 'PW', 'RE', 'RU', 'DT']) if (r.below(2)) root.data[id] = [text(r, false)]
  if (r.below(3) === 0) root.data.C = [text(r, true, 40)]
  unknown(r, root.data)
  const main = sequence(r, size, r.below(60), 0)
  if (main.first) root.children.push(main.first)
  if (main.first && r.below(3) === 0) root.children.push(sequence(r, size, 1 + r.below(5), 1).first)
  fs.writeFileSync(file, sgf.stringify([root]))
  return {nodes: mainLine(root).nodes}
}

function parse(file) {
  const games = sgf.parseFile(file)
  return {games: games.length, ...mainLine(games[0])}
}

const [command, ...args] = process.argv.slice(2)
let result
if (command === 'parse' && args.length >= 1) result = args.map(parse)
else if (command === 'make' && args.length >= 2)
  result = args.slice(1).map(seed => make(Number(seed), `${args[0]}/sabaki-${seed}.sgf`))
else {
  console.error('usage: node sgf_check.js parse FILE... | make DIR SEED...')
  process.exit(2)
}
process.stdout.write(JSON.stringify(result) + '\n')
