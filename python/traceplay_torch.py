"""A torch.utils.data.Dataset over a traceplay dataset split (torch-free module otherwise).

    import traceplay_torch
    ds = traceplay_torch.TraceDataset("data/maze10", split="train")
    item = ds[0]   # {"prompt", "trace", "plan"}: torch.int64 tensors of token ids

The records are read once (in C++, GIL released) into flat int32 arrays with offsets
(traceplay.data.Dataset.arrays); items are slices of those arrays, so memory stays one
copy of the split's tokens.
"""
import numpy as np
import torch
import torch.utils.data

import traceplay


class TraceDataset(torch.utils.data.Dataset):
    """Records of one split as dicts of int64 tensors: 'prompt', 'trace', 'plan'."""

    def __init__(self, path, split="train"):
        self.dataset = traceplay.data.Dataset(path)
        self.split = split
        self._arrays = self.dataset.arrays(split)
        self._count = len(self._arrays["prompt_offsets"]) - 1

    @property
    def vocabulary(self):
        return self.dataset.vocabulary

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(f"record {index} of {self._count}")
        item = {}
        for part in ("prompt", "trace", "plan"):
            offsets = self._arrays[part + "_offsets"]
            ids = self._arrays[part][offsets[index]:offsets[index + 1]]
            item[part] = torch.from_numpy(ids.astype(np.int64))
        return item
