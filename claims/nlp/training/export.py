"""Saving the fine-tuned model: fp32 safetensors (local cache), ONNX, dynamic int8 ONNX."""

import contextlib
import copy
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import torch

FP32_WEIGHTS_FILE = "model.fp32.safetensors"
FP32_ONNX_FILE = "model.fp32.onnx"
ONNX_OPSET = 17


@contextlib.contextmanager
def _root_logging_quiet():
    """The quantisers log one INFO line per tensor on the root logger; a command's output
    should stay readable."""
    root_logger = logging.getLogger()
    previous_level = root_logger.level
    root_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root_logger.setLevel(previous_level)


def fp32_weights_save(model: "torch.nn.Module", path: Path) -> None:
    """The fp32 state dict (~90 MB): too big to commit, kept for the PyTorch side of the bench."""
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({name: tensor.contiguous() for name, tensor in model.state_dict().items()}, path)


def fp32_classifier_load(
    *, backbone_dir: Path, weights_path: Path, attn_implementation: str | None = None
) -> "torch.nn.Module":
    from safetensors.torch import load_file

    from claims.nlp.training.finetune import classifier_build

    model = classifier_build(backbone_dir, attn_implementation=attn_implementation)
    model.load_state_dict(load_file(weights_path))
    model.eval()
    return model


def onnx_export(*, backbone_dir: Path, weights_path: Path, onnx_path: Path) -> None:
    """Export logit -> sigmoid as one graph with dynamic batch and sequence axes."""
    import torch

    classifier = fp32_classifier_load(
        backbone_dir=backbone_dir, weights_path=weights_path, attn_implementation="eager"
    )

    class ScoreModel(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.classifier = classifier

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return torch.sigmoid(self.classifier(input_ids, attention_mask))

    # A padded example, so the exporter sees a mask with zeros in it.
    input_ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 7592, 102, 0, 0, 0]])
    attention_mask = (input_ids != 0).long()
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    with torch.inference_mode():
        torch.onnx.export(
            ScoreModel().eval(),
            (input_ids, attention_mask),
            str(onnx_path),
            input_names=["input_ids", "attention_mask"],
            output_names=["score"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "score": {0: "batch"},
            },
            opset_version=ONNX_OPSET,
            dynamo=False,
        )


def onnx_quantize(
    *, fp32_path: Path, int8_path: Path, nodes_to_exclude: tuple[str, ...] = ()
) -> None:
    """Dynamic int8: weights of every MatMul and the embedding Gathers, activations at run time.

    Quantising the word-embedding Gather is what brings the file from ~90 MB to ~23 MB.
    nodes_to_exclude stay fp32 (each 384 x 1536 MatMul kept adds about 1.8 MB).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    int8_path.parent.mkdir(parents=True, exist_ok=True)
    with _root_logging_quiet():
        quantize_dynamic(
            model_input=str(fp32_path),
            model_output=str(int8_path),
            op_types_to_quantize=["MatMul", "Gather"],
            weight_type=QuantType.QInt8,
            # Per-channel weight scales and 7-bit range kept dev F1 at the fp32 level (0.930 vs
            # 0.925 for per-tensor); reduce_range avoids overflow on CPUs without VNNI.
            per_channel=True,
            reduce_range=True,
            nodes_to_exclude=list(nodes_to_exclude),
        )


def onnx_quantize_static(
    *, fp32_path: Path, int8_path: Path, feeds: list[dict[str, "np.ndarray"]]
) -> None:
    """Static int8 (QDQ): MatMul and Gather weights per channel, activation ranges fixed from
    the feeds (min/max over them) instead of measured on every batch at run time."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Feeds(CalibrationDataReader):
        def __init__(self) -> None:
            self.remaining = iter(feeds)

        def get_next(self) -> dict | None:
            return next(self.remaining, None)

    int8_path.parent.mkdir(parents=True, exist_ok=True)
    with _root_logging_quiet():
        quantize_static(
            model_input=str(fp32_path),
            model_output=str(int8_path),
            calibration_data_reader=Feeds(),
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["MatMul", "Gather"],
            per_channel=True,
            reduce_range=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )


SCORE_OUTPUT = "score"


def onnx_calibrate(path: Path, *, slope: float, intercept: float) -> None:
    """Platt scaling inside the graph: score = sigmoid(slope * logit + intercept).

    The runtime reads calibrated scores with no code of its own; the embedding is untouched.
    """
    import numpy as np
    import onnx

    model = onnx.load(str(path))
    sigmoid = next(
        (n for n in model.graph.node if n.op_type == "Sigmoid" and SCORE_OUTPUT in n.output),
        None,
    )
    if sigmoid is None:
        raise ValueError(f"{path}: no Sigmoid node gives '{SCORE_OUTPUT}'")
    logit = sigmoid.input[0]
    model.graph.initializer.extend(
        [
            onnx.numpy_helper.from_array(np.array(slope, dtype=np.float32), "platt_slope"),
            onnx.numpy_helper.from_array(np.array(intercept, dtype=np.float32), "platt_intercept"),
        ]
    )
    platt = [
        onnx.helper.make_node("Mul", [logit, "platt_slope"], ["platt_scaled"], name="/platt/Mul"),
        onnx.helper.make_node(
            "Add", ["platt_scaled", "platt_intercept"], ["platt_logit"], name="/platt/Add"
        ),
    ]
    sigmoid.input[0] = "platt_logit"
    # Nodes stay in topological order: the two new ones go just before the Sigmoid.
    nodes = [copy.deepcopy(node) for node in model.graph.node]
    position = next(i for i, node in enumerate(nodes) if SCORE_OUTPUT in node.output)
    del model.graph.node[:]
    model.graph.node.extend([*nodes[:position], *platt, *nodes[position:]])
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


# The mean-pooled sentence vector, the input of the linear head (see finetune.classifier_build).
POOLING_NODE = "/classifier/Div"
EMBEDDING_OUTPUT = "embedding"


def onnx_expose_embedding(path: Path) -> None:
    """Add the pooled sentence vector as a second output, named 'embedding'.

    The stance model (claims/nlp/stances.py) reads it, so the worker gets sentence vectors from
    the model it already runs. Scores are unchanged: the graph only gains an output.
    """
    import onnx

    model = onnx.load(str(path))
    if any(output.name == EMBEDDING_OUTPUT for output in model.graph.output):
        return
    pooling = next((node for node in model.graph.node if node.name == POOLING_NODE), None)
    if pooling is None:
        raise ValueError(f"{path}: no {POOLING_NODE} node; was the classifier's pooling renamed?")
    model.graph.node.append(
        onnx.helper.make_node(
            "Identity", [pooling.output[0]], [EMBEDDING_OUTPUT], name="/embedding/Identity"
        )
    )
    model.graph.output.append(
        onnx.helper.make_tensor_value_info(
            EMBEDDING_OUTPUT, onnx.TensorProto.FLOAT, ["batch", "hidden"]
        )
    )
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
