"""GLUE-MRPC metric (accuracy and F1) as a local ``evaluate`` module, for machines without the Hub.

Same API and output keys as ``evaluate.load("glue", "mrpc")``: ``add_batch``, ``compute`` ->
``{"accuracy": ..., "f1": ...}``, F1 of the positive ("equivalent") class as in GLUE.
"""

import datasets
import evaluate
from sklearn.metrics import f1_score

_DESCRIPTION = "Accuracy and F1 (positive class) for GLUE MRPC paraphrase labels (0 or 1)."
_KWARGS_DESCRIPTION = """
Args:
    predictions: predicted labels, 0 or 1.
    references: gold labels, 0 or 1.
Returns:
    accuracy: the fraction of predictions equal to the references.
    f1: the F1 score of the positive class.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class GlueMrpc(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Wang et al., GLUE: A Multi-Task Benchmark and Analysis Platform for NLU, 2018.",
            inputs_description=_KWARGS_DESCRIPTION,
            # float64, not int64: evaluate would silently truncate probabilities (0.7 -> 0) before _compute
            features=datasets.Features({"predictions": datasets.Value("float64"),
                                        "references": datasets.Value("float64")}),
        )

    def _compute(self, predictions, references):
        if len(references) == 0:
            raise ValueError("GLUE-MRPC metric: no predictions were added; call add_batch(...) before compute().")
        for name, values in (("predictions", predictions), ("references", references)):
            wrong = sorted({int(v) if float(v).is_integer() else float(v) for v in values if v not in (0, 1)})
            if wrong:
                hint = (" -1 marks GLUE's unlabelled test split: evaluate on the validation split."
                        if name == "references" and -1 in wrong else
                        " Pass class ids (logits.argmax(dim=-1)), not probabilities or logits.")
                raise ValueError(f"GLUE-MRPC metric: {name} must be 0 or 1, found {wrong[:5]}.{hint}")
        predictions, references = [int(p) for p in predictions], [int(r) for r in references]
        correct = sum(int(p == r) for p, r in zip(predictions, references, strict=True))
        return {"accuracy": correct / len(references), "f1": float(f1_score(references, predictions))}
