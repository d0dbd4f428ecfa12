// traceplay.data: vocabularies and tokens, dataset generation as `traceplay gen` does
// it (the same bytes for the same settings), and dataset readers: the manifest, shards
// iterated record by record or in batches (read with the GIL released), records as
// Python objects whose token arrays are numpy views without copies.
#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "apps/dataset_options.h"
#include "core/dataset.h"
#include "core/hash.h"
#include "core/shard.h"
#include "core/signals.h"
#include "core/vocabulary.h"
#include "python/bindings.h"
#include "search/maze_trace.h"
#include "search/sokoban_trace.h"

namespace traceplay::python {

namespace {

std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// A record's token ids as an int32 numpy array viewing the record's own memory; the
// Python record object stays alive as long as the array does.
py::array_t<int32_t> ids_view(const std::vector<int32_t>& ids, py::handle owner) {
  return py::array_t<int32_t>({static_cast<py::ssize_t>(ids.size())},
                              {static_cast<py::ssize_t>(sizeof(int32_t))}, ids.data(), owner);
}

// Reads the records of one split, shard after shard (each checked against the manifest
// as it is opened), in batches read with the GIL released.
class RecordStream {
 public:
  RecordStream(const DatasetReader& reader, Split split, size_t batch_size)
      : reader_(reader), split_(split), batch_size_(batch_size) {}

  // Up to batch_size records; empty at the end.
  std::vector<DatasetRecord> next_batch() {
    std::vector<DatasetRecord> batch;
    py::gil_scoped_release release;
    const auto& shards = reader_.manifest().shards;
    while (batch.size() < batch_size_) {
      if (!current_) {
        while (next_shard_ < shards.size() && shard_split(shards[next_shard_].file) != split_) ++next_shard_;
        if (next_shard_ >= shards.size()) break;
        const ShardInfo& shard = shards[next_shard_++];
        current_ = std::make_unique<ShardReader>(reader_.path(shard), &shard);
      }
      DatasetRecord record;
      if (current_->next(record)) batch.push_back(std::move(record));
      else current_.reset();
    }
    return batch;
  }

 private:
  const DatasetReader& reader_;
  Split split_;
  size_t batch_size_;
  size_t next_shard_ = 0;
  std::unique_ptr<ShardReader> current_;
};

struct BatchIterator {
  RecordStream stream;
};

struct RecordIterator {
  RecordStream stream;
  std::vector<DatasetRecord> buffer;
  size_t next = 0;
};

std::vector<DatasetRecord> read_split(const DatasetReader& reader, const std::string& split) {
  const Split s = parse_split(split, "split");
  py::gil_scoped_release release;
  return reader.read_all(s);
}

// One split's token ids as flat int32 arrays plus int64 offsets (n + 1 each): record i's
// prompt is prompt[prompt_offsets[i]:prompt_offsets[i + 1]], and the same for trace and plan.
py::dict split_arrays(const DatasetReader& reader, const std::string& split) {
  const Split s = parse_split(split, "split");
  std::vector<int32_t> parts[3];
  std::vector<int64_t> offsets[3];
  std::vector<int64_t> ids_unused;
  {
    py::gil_scoped_release release;
    for (auto& o : offsets) o.push_back(0);
    reader.for_each(s, [&](const DatasetRecord& r) {
      const std::vector<int32_t>* sources[3] = {&r.prompt, &r.trace, &r.plan};
      for (int k = 0; k < 3; ++k) {
        parts[k].insert(parts[k].end(), sources[k]->begin(), sources[k]->end());
        offsets[k].push_back(static_cast<int64_t>(parts[k].size()));
      }
      return true;
    });
  }
  const char* names[3] = {"prompt", "trace", "plan"};
  py::dict out;
  for (int k = 0; k < 3; ++k) {
    out[names[k]] = to_numpy(std::move(parts[k]));
    out[(std::string(names[k]) + "_offsets").c_str()] = to_numpy(std::move(offsets[k]));
  }
  return out;
}

// The handlers `gen` installs for Ctrl-C would stay in the interpreter: keep Python's.
class KeepSignalHandlers {
 public:
  KeepSignalHandlers() {
    sigaction(SIGINT, nullptr, &int_);
    sigaction(SIGTERM, nullptr, &term_);
  }
  ~KeepSignalHandlers() {
    sigaction(SIGINT, &int_, nullptr);
    sigaction(SIGTERM, &term_, nullptr);
  }

 private:
  struct sigaction int_ {
  }, term_{};
};

py::object generate_dataset(const std::string& out, const std::string& domain, std::optional<int> size,
                            std::optional<int> width, std::optional<int> height, int64_t count, int64_t seed,
                            std::optional<bool> deterministic, double test_fraction, int threads,
                            int64_t shard_records, std::optional<int> walls, std::optional<int> boxes,
                            std::optional<std::string> levels, int64_t max_expansions,
                            int64_t max_trace_tokens, bool force) {
  if (out.empty()) throw py::value_error("out must name a directory");
  if (seed < 0) throw py::value_error("seed must be >= 0, got " + std::to_string(seed));
  if (max_expansions < 0 || max_trace_tokens < 0)
    throw py::value_error("max_expansions and max_trace_tokens must be >= 0");
  apps::DatasetSpec spec;
  spec.domain = domain;
  spec.size = size;
  spec.width = width;
  spec.height = height;
  spec.count = count;
  spec.seed = static_cast<uint64_t>(seed);
  spec.deterministic = deterministic;
  spec.test_fraction = test_fraction;
  spec.threads = threads;
  spec.shard_records = shard_records;
  spec.walls = walls;
  spec.boxes = boxes;
  spec.levels = levels;
  if (max_expansions) spec.max_expansions = static_cast<uint64_t>(max_expansions);
  if (max_trace_tokens) spec.max_trace_tokens = static_cast<uint64_t>(max_trace_tokens);
  BuildResult result;
  {
    KeepSignalHandlers keep;
    py::gil_scoped_release release;
    result = apps::build_dataset(spec, out, force, /*progress=*/false);
  }
  if (result.status == BuildStatus::kInterrupted) {
    clear_stop_signal();
    PyErr_SetString(PyExc_KeyboardInterrupt, "dataset generation interrupted; finished shards are kept");
    throw py::error_already_set();
  }
  return to_py(result.summary(out));
}

}  // namespace

void bind_data(py::module_& m) {
  m.doc() = "Vocabularies, tokens and datasets (generation as `traceplay gen`, readers).";

  py::class_<Vocabulary>(m, "Vocabulary",
                         "A token vocabulary as the Searchformer reference builds it: id 0 'bos', 1 'eos',\n"
                         "then every other token sorted as strings.")
      .def_static("from_tokens", &Vocabulary::from_tokens, py::arg("tokens"),
                  "From every token but bos/eos, in any order, without duplicates.")
      .def_static("from_list", &Vocabulary::from_list, py::arg("tokens"),
                  "An existing list (a manifest's), taken as it is; ValueError unless it starts with\n"
                  "bos, eos and has no duplicates.")
      .def("__len__", &Vocabulary::size)
      .def_property_readonly("tokens", &Vocabulary::tokens, "Every token, by id.")
      .def(
          "token",
          [](const Vocabulary& v, int32_t id) {
            if (id < 0 || static_cast<size_t>(id) >= v.size())
              throw py::index_error("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                                    std::to_string(v.size()) + ")");
            return v.token(id);
          },
          py::arg("id"))
      .def("find", &Vocabulary::find, py::arg("token"), "The id of a token, or -1.")
      .def(
          "encode",
          [](const Vocabulary& v, const std::vector<std::string>& tokens) {
            std::vector<int32_t> ids;
            ids.reserve(tokens.size());
            for (const auto& t : tokens) {
              const int32_t id = v.find(t);
              if (id < 0) throw py::value_error("token \"" + t + "\" is not in the vocabulary");
              ids.push_back(id);
            }
            return to_numpy(std::move(ids));
          },
          py::arg("tokens"), "Token strings -> int32 numpy array of ids; ValueError for an unknown token.")
      .def(
          "decode",
          [](const Vocabulary& v, const std::vector<int32_t>& ids) {
            for (int32_t id : ids)
              if (id < 0 || static_cast<size_t>(id) >= v.size())
                throw py::value_error("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                                      std::to_string(v.size()) + ")");
            return v.decode(ids);
          },
          py::arg("ids"), "Ids (any int sequence or array) -> token strings.")
      .def("__repr__",
           [](const Vocabulary& v) { return "<Vocabulary of " + std::to_string(v.size()) + " tokens>"; });

  m.def("maze_vocabulary", &search::maze_vocabulary, py::arg("width"), py::arg("height"),
        "The vocabulary of width x height maze datasets.");
  m.def("sokoban_vocabulary", &search::sokoban_vocabulary, py::arg("max_side"), py::arg("cost_tokens") = 1000,
        "The vocabulary of Sokoban datasets (coordinates 0..max_side-1, c0..c<cost_tokens-1>).");
  m.def(
      "hash_tokens", [](const std::vector<std::string>& tokens) { return hex16(hash_tokens(tokens)); },
      py::arg("tokens"),
      "XXH64 of the tokens joined by spaces, as 16 hex digits (a record's id of its prompt).");

  py::class_<DatasetRecord>(
      m, "Record",
      "One dataset record: id and layout (16 hex digits), prompt, trace and plan token\n"
      "ids (int32 numpy arrays viewing the record's memory), meta (a dict).")
      .def_property_readonly("id", [](const DatasetRecord& r) { return hex16(r.id); })
      .def_property_readonly("layout", [](const DatasetRecord& r) { return hex16(r.layout); })
      .def_property_readonly(
          "prompt", [](py::object self) { return ids_view(self.cast<const DatasetRecord&>().prompt, self); })
      .def_property_readonly(
          "trace", [](py::object self) { return ids_view(self.cast<const DatasetRecord&>().trace, self); })
      .def_property_readonly(
          "plan", [](py::object self) { return ids_view(self.cast<const DatasetRecord&>().plan, self); })
      .def_property_readonly("meta", [](const DatasetRecord& r) { return to_py(r.meta); })
      .def(
          "json_line",
          [](const DatasetRecord& r) {
            std::string line;
            append_record_json(line, r);
            return line;
          },
          "The record's line in a shard (without the newline), byte for byte.")
      .def("__repr__", [](const DatasetRecord& r) {
        return "<Record " + hex16(r.id) + ": " + std::to_string(r.prompt.size()) + " prompt, " +
               std::to_string(r.trace.size()) + " trace, " + std::to_string(r.plan.size()) + " plan tokens>";
      });

  py::class_<BatchIterator>(m, "BatchIterator",
                            "Lists of up to batch_size Records, read with the GIL released.")
      .def("__iter__", [](BatchIterator& it) -> BatchIterator& { return it; })
      .def("__next__", [](BatchIterator& it) {
        auto batch = it.stream.next_batch();
        if (batch.empty()) throw py::stop_iteration();
        return batch;
      });
  py::class_<RecordIterator>(m, "RecordIterator", "Records one at a time (read in batches, GIL released).")
      .def("__iter__", [](RecordIterator& it) -> RecordIterator& { return it; })
      .def("__next__", [](RecordIterator& it) {
        if (it.next >= it.buffer.size()) {
          it.buffer = it.stream.next_batch();
          it.next = 0;
          if (it.buffer.empty()) throw py::stop_iteration();
        }
        return std::move(it.buffer[it.next++]);
      });

  py::class_<DatasetReader>(m, "Dataset",
                            "A finished dataset directory (manifest.json and zstd JSON Lines shards), its\n"
                            "vocabulary checked against its domain's. Shards are checked (XXH64, record\n"
                            "count) as they are read.")
      .def(py::init<std::string>(), py::arg("dir"),
           "ValueError with the CLI's message for a missing or malformed dataset.")
      .def_property_readonly("dir", &DatasetReader::dir)
      .def_property_readonly(
          "manifest", [](const DatasetReader& r) { return to_py(r.manifest().to_json()); },
          "manifest.json as a dict.")
      .def_property_readonly("domain", [](const DatasetReader& r) { return r.manifest().domain; })
      .def_property_readonly("vocabulary", &DatasetReader::vocabulary,
                             py::return_value_policy::reference_internal)
      .def(
          "count",
          [](const DatasetReader& r, const std::string& split) {
            return parse_split(split, "split") == Split::kTrain ? r.manifest().train : r.manifest().test;
          },
          py::arg("split") = "train", "Records in the split ('train' or 'test').")
      .def(
          "verify",
          [](const DatasetReader& r, bool records) {
            py::gil_scoped_release release;
            r.verify(records);
          },
          py::arg("records") = false,
          "Checks every shard (XXH64, zstd stream, record count; with records=True every\n"
          "record's token ids too); ValueError naming the first bad shard.")
      .def(
          "records",
          [](const DatasetReader& r, const std::string& split, int batch_size) {
            if (batch_size < 1) throw py::value_error("batch_size must be >= 1");
            return RecordIterator{
                RecordStream(r, parse_split(split, "split"), static_cast<size_t>(batch_size)), {}, 0};
          },
          py::arg("split") = "train", py::arg("batch_size") = 256, py::keep_alive<0, 1>(),
          "Iterates the split's records in dataset order.")
      .def(
          "batches",
          [](const DatasetReader& r, const std::string& split, int batch_size) {
            if (batch_size < 1) throw py::value_error("batch_size must be >= 1");
            return BatchIterator{
                RecordStream(r, parse_split(split, "split"), static_cast<size_t>(batch_size))};
          },
          py::arg("split") = "train", py::arg("batch_size") = 256, py::keep_alive<0, 1>(),
          "Iterates the split's records as lists of up to batch_size.")
      .def("read_all", &read_split, py::arg("split") = "train", "Every record of the split, as a list.")
      .def("arrays", &split_arrays, py::arg("split") = "train",
           "The split's tokens as numpy arrays: 'prompt', 'trace', 'plan' (int32, every record's\n"
           "ids one after another) and 'prompt_offsets', 'trace_offsets', 'plan_offsets' (int64,\n"
           "n + 1 each): record i's trace is trace[trace_offsets[i]:trace_offsets[i + 1]].")
      .def(
          "decode",
          [](const DatasetReader& r, const DatasetRecord& record) {
            py::dict d;
            d["prompt"] = r.vocabulary().decode(record.prompt);
            d["trace"] = r.vocabulary().decode(record.trace);
            d["plan"] = r.vocabulary().decode(record.plan);
            return d;
          },
          py::arg("record"), "A record's tokens as strings: {'prompt', 'trace', 'plan'}.")
      .def("__repr__", [](const DatasetReader& r) {
        return "<Dataset " + r.dir() + ": " + r.manifest().domain + ", " +
               std::to_string(r.manifest().train) + " train + " + std::to_string(r.manifest().test) +
               " test>";
      });

  m.def("generate", &generate_dataset, py::arg("out"), py::arg("domain"), py::arg("size") = py::none(),
        py::arg("width") = py::none(), py::arg("height") = py::none(), py::arg("count") = 1000,
        py::arg("seed") = 0, py::arg("deterministic") = py::none(), py::arg("test_fraction") = 0.1,
        py::arg("threads") = 1, py::arg("shard_records") = 10000, py::arg("walls") = py::none(),
        py::arg("boxes") = py::none(), py::arg("levels") = py::none(), py::arg("max_expansions") = 0,
        py::arg("max_trace_tokens") = 0, py::arg("force") = false,
        "Writes a dataset exactly as `traceplay gen` does with the same settings (the same\n"
        "bytes for any thread count): domain 'maze' (size or width/height) or 'sokoban'\n"
        "(walls, boxes, or levels=FILE). deterministic: the domain's default when None (maze\n"
        "True, Sokoban False). Resumes an interrupted build; a finished one is a no-op.\n"
        "Returns `gen --json`'s summary as a dict. Releases the GIL; ValueError for bad\n"
        "settings with the CLI's message.");
}

}  // namespace traceplay::python
