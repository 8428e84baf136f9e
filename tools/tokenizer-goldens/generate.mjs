// Generates the tokenizer goldens in src/tokenizer/testdata with Hugging
// Face's tokenizers.js (@huggingface/tokenizers, pinned in package-lock.json),
// offline, on local files:
//   cd tools/tokenizer-goldens && npm ci && node generate.mjs [shared-data-dir]
// Writes:
//   testdata/llama3_style/tokenizer.json  a small Llama-3-style tokenizer
//       (byte-level BPE, Llama-3 pre-tokenizer regex, ignore_merges, special
//       tokens, <|begin_of_text|> template) with merges trained here;
//   testdata/qwen2_style/tokenizer.json  the same merges as a Qwen2-style
//       tokenizer (NFC normalizer, Qwen2's pre-tokenizer regex with single
//       digits, <|endoftext|> / <|im_start|> / <|im_end|>, no BOS);
//   testdata/goldens/{gpt2,llama2,llama3_style,qwen2_style}.json  for every
//       corpus string:
//       ids with and without special tokens, and the decoded ids.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const testdata = path.join(repo, "src/tokenizer/testdata");
const shared = path.resolve(process.argv[2] ?? path.join(repo, "../shared/data"));
const version = JSON.parse(
  fs.readFileSync(path.join(here, "node_modules/@huggingface/tokenizers/package.json"))).version;
const corpus = JSON.parse(fs.readFileSync(path.join(testdata, "corpus.json"), "utf8"));

// GPT-2's byte-to-unicode alphabet.
function bytesToUnicode() {
  const bs = [];
  for (let b = 33; b <= 126; ++b) bs.push(b);
  for (let b = 161; b <= 172; ++b) bs.push(b);
  for (let b = 174; b <= 255; ++b) bs.push(b);
  const map = new Map(bs.map((b) => [b, String.fromCodePoint(b)]));
  let n = 0;
  for (let b = 0; b < 256; ++b) if (!map.has(b)) map.set(b, String.fromCodePoint(256 + n++));
  return map;
}
const B2U = bytesToUnicode();
const toByteLevel = (s) => Array.from(new TextEncoder().encode(s), (b) => B2U.get(b)).join("");

// transformers' GPT2Converter: vocab.json + merges.txt as a tokenizer.json.
function gpt2TokenizerJson(dir) {
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, "vocab.json"), "utf8"));
  const merges = fs.readFileSync(path.join(dir, "merges.txt"), "utf8").split("\n")
    .map((l) => l.replace(/\r$/, "")).filter((l) => l && !l.startsWith("#version"));
  const added = Object.entries(vocab).filter(([k]) => /^<\|.+\|>$/.test(k))
    .map(([content, id]) => ({ id, content, special: true, normalized: false,
      lstrip: false, rstrip: false, single_word: false }));
  return {
    added_tokens: added, normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null, decoder: { type: "ByteLevel" },
    model: { type: "BPE", vocab, merges },
  };
}

const LLAMA3_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// A small Llama-3-style tokenizer: 256 byte tokens + greedily trained merges.
function llama3StyleTokenizerJson(training, numMerges) {
  const re = /'s|'t|'re|'ve|'m|'ll|'d|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
  const counts = new Map();
  for (const text of training) for (const w of text.match(re) ?? []) {
    const key = toByteLevel(w);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const words = [...counts].map(([w, c]) => ({ syms: Array.from(w), c }));
  const vocab = {};
  for (let b = 0; b < 256; ++b) vocab[B2U.get(b)] = b;
  const merges = [];
  for (let m = 0; m < numMerges; ++m) {
    const pairs = new Map();
    for (const { syms, c } of words) for (let i = 0; i + 1 < syms.length; ++i) {
      const k = syms[i] + "\u0000" + syms[i + 1];
      pairs.set(k, (pairs.get(k) ?? 0) + c);
    }
    let best = null, bestCount = 1;
    for (const [k, c] of pairs) if (c > bestCount || (c === bestCount && best !== null && k < best)) { best = k; bestCount = c; }
    if (best === null) break;
    const [a, b] = best.split("\u0000");
    merges.push([a, b]);
    if (!(a + b in vocab)) vocab[a + b] = Object.keys(vocab).length;
    for (const w of words) {
      const out = [];
      for (let i = 0; i < w.syms.length; ++i) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) { out.push(a + b); ++i; }
        else out.push(w.syms[i]);
      }
      w.syms = out;
    }
  }
  const base = Object.keys(vocab).length;
  const specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
    "<|end_header_id|>", "<|eot_id|>", "<|reserved_special_token_0|>"];
  const added = specials.map((content, i) => ({ id: base + i, content, single_word: false,
    lstrip: false, rstrip: false, normalized: false, special: true }));
  return {
    version: "1.0", truncation: null, padding: null, added_tokens: added, normalizer: null,
    pre_tokenizer: { type: "Sequence", pretokenizers: [
      { type: "Split", pattern: { Regex: LLAMA3_REGEX }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false }] },
    post_processor: { type: "Sequence", processors: [
      { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
      { type: "TemplateProcessing",
        single: [{ SpecialToken: { id: "<|begin_of_text|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
        pair: [{ SpecialToken: { id: "<|begin_of_text|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } },
               { SpecialToken: { id: "<|begin_of_text|>", type_id: 1 } }, { Sequence: { id: "B", type_id: 1 } }],
        special_tokens: { "<|begin_of_text|>": { id: "<|begin_of_text|>", ids: [base], tokens: ["<|begin_of_text|>"] } } }] },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null,
      end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: true,
      vocab, merges },
  };
}

// Training text for the Llama-3-style merges: English prose and code (not the
// corpus itself, so that the goldens also cover words the merges never saw).
const TRAINING = [
  "the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their can has been more if will would who so no what up out about into than them its only other some time could these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three",
  "def main():\n    for i in range(10):\n        print(i, i * i)\n    return 0\n\nclass Foo:\n    def __init__(self, x):\n        self.x = x\n",
  "function add(a, b) { return a + b; }\nconst result = add(1, 2);\nif (result === 3) { console.log('ok'); }\n",
  "The numbers 1 2 3 10 20 100 2024 3.14 and the words hello world again and again. I'm here, you're there, they've gone, we'll see, it's fine, he'd know.",
  "Café résumé naïve. Привет мир. 你好世界。こんにちは。",
];

const QWEN2_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// Qwen2's tokenizer.json layout around the Llama-3-style merges.
function qwen2StyleTokenizerJson(llama3) {
  const vocab = { ...llama3.model.vocab };
  const base = Object.keys(vocab).length;
  const added = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"].map((content, i) => ({
    id: base + i, content, single_word: false, lstrip: false, rstrip: false,
    normalized: false, special: true }));
  return {
    version: "1.0", truncation: null, padding: null, added_tokens: added,
    normalizer: { type: "NFC" },
    pre_tokenizer: { type: "Sequence", pretokenizers: [
      { type: "Split", pattern: { Regex: QWEN2_REGEX }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false }] },
    post_processor: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "",
      end_of_word_suffix: "", fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab, merges: llama3.model.merges },
  };
}

function goldens(name, tokenizerJson, tokenizerConfig) {
  const tok = new Tokenizer(tokenizerJson, tokenizerConfig);
  const cases = corpus.map((text) => {
    const ids = tok.encode(text).ids;
    const ids_no_special = tok.encode(text, { add_special_tokens: false }).ids;
    const decoded = ids_no_special.length === 0 ? "" :
      tok.decode(ids_no_special, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    return { text, ids, ids_no_special, decoded };
  });
  const header = { tokenizer: name, reference: `@huggingface/tokenizers ${version}`,
    generator: "tools/tokenizer-goldens/generate.mjs" };
  const body = cases.map((c) => "  " + JSON.stringify(c)).join(",\n");
  const text = JSON.stringify(header).replace(/}$/, `,\n "cases": [\n${body}\n]}\n`);
  fs.mkdirSync(path.join(testdata, "goldens"), { recursive: true });
  fs.writeFileSync(path.join(testdata, "goldens", `${name}.json`), text);
  console.log(`${name}: ${cases.length} cases`);
}

const llama3 = llama3StyleTokenizerJson(TRAINING, 600);
fs.mkdirSync(path.join(testdata, "llama3_style"), { recursive: true });
fs.writeFileSync(path.join(testdata, "llama3_style", "tokenizer.json"), JSON.stringify(llama3) + "\n");

goldens("gpt2", gpt2TokenizerJson(path.join(shared, "tokenizers/gpt2")), {});
const llama2Dir = path.join(shared, "tokenizers/llama2");
goldens("llama2", JSON.parse(fs.readFileSync(path.join(llama2Dir, "tokenizer.json"), "utf8")),
  JSON.parse(fs.readFileSync(path.join(llama2Dir, "tokenizer_config.json"), "utf8")));
goldens("llama3_style", llama3, {});
const qwen2 = qwen2StyleTokenizerJson(llama3);
fs.mkdirSync(path.join(testdata, "qwen2_style"), { recursive: true });
fs.writeFileSync(path.join(testdata, "qwen2_style", "tokenizer.json"), JSON.stringify(qwen2) + "\n");
goldens("qwen2_style", qwen2, {});
