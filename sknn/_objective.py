r"""The objective J that every solver minimises, and its gradient, written once.

For a network with weights ``W_j`` and intercepts ``b_j`` (the parameters ``theta``),
an output unit with loss ``C`` (``_losses.py``) and the L2 penalty ``alpha``::

    J(theta) = C(theta) + alpha * sum_j ||W_j||^2          (intercepts not penalised)

    dJ/dW_j = dC/dW_j + 2 alpha W_j,        dJ/db_j = dC/db_j

The gradient of ``C`` is the chain rule taken through three pieces, each derived
where it is computed: the network's forward pass to the logits ``Z``; the output
unit's ``dC/dZ = (1/N) diag(s) (Yhat - Y)``; the network's hand-derived backward pass
from ``dC/dZ`` to every ``dC/dtheta``. This module composes them, and adds the
penalty; SGD, Adam, L-BFGS and :func:`sknn.utils.check_gradients` all call it.

Unlike scikit-learn's MLPClassifier, ``alpha`` is neither halved nor divided by the
number of samples (see the user guide's page on the objective).
"""

from . import _kernels


class Objective:
    """``J = C + alpha * sum ||W||^2`` of a network and an output unit, with its gradient.

    Parameters
    ----------
    network : LinearNetwork or MultilayerPerceptron
        Supplies ``forward`` (to the logits) and ``backward`` (from ``dC/dZ``).
    output_unit : Softmax or OneVsRestSigmoid
        Supplies ``loss_gradient`` (``C`` and ``dC/dZ`` from the logits).
    alpha : float
        Strength of the L2 penalty on the weights.
    """

    def __init__(self, network, output_unit, alpha):
        self.network = network
        self.output_unit = output_unit
        self.alpha = alpha

    def value_and_gradient(self, params, grads, X, T, sample_weight, workspace, rng=None):
        """``J`` at ``params`` on the batch ``(X, T)``; ``grads`` receives ``dJ/dtheta``.

        ``workspace`` holds the network's per-batch buffers (``network.allocate``);
        ``rng`` draws dropout masks, if the network has dropout.
        """
        loss = self.data_loss_gradient(params, grads, X, T, sample_weight, workspace, rng)
        return self.add_penalty(params, grads, loss)

    def data_loss_gradient(self, params, grads, X, T, sample_weight, workspace, rng=None):
        """``C`` at ``params`` on the batch; ``grads`` receives ``dC/dtheta``."""
        weights, intercepts = params.weights, params.intercepts
        Z = self.network.forward(X, weights, intercepts, workspace, rng)  # the logits
        loss = self.output_unit.loss_gradient(Z, T, sample_weight)  # Z <- dC/dZ
        self.network.backward(X, Z, weights, grads, workspace)  # grads <- dC/dtheta
        return loss

    def add_penalty(self, params, grads, loss):
        """``J = C + alpha ||W||^2`` from ``C``; ``dJ/dW = dC/dW + 2 alpha W`` into ``grads``."""
        if self.alpha:
            w = params.weight_vector
            fused = _kernels.compiled("add_penalty", w, grads.weight_vector)
            if fused is not None:  # the same, in one compiled pass over w
                squares = fused(w, grads.weight_vector, w.dtype.type(2 * self.alpha))
                return loss + self.alpha * squares
            loss += self.alpha * float(w @ w)
            grads.weight_vector += 2 * self.alpha * w
        return loss

    def full_batch_value_and_gradient(self, params, grads, batches, workspace, batch_grads):
        """``J`` and ``dJ/dtheta`` on all of ``batches.data``, one batch at a time.

        With the sample weights normalised over the whole data, the mean loss is the
        size-weighted mean of the batches' losses, ``C = sum_c (N_c / N) C_c``, and so
        is its gradient; the penalty is added once. ``batch_grads`` is scratch of the
        shape of ``grads``. Full-batch solvers (L-BFGS) see the whole data this way
        without a copy of it.
        """
        n_samples = batches.data.n_samples
        loss = 0.0
        grads.flat[...] = 0
        for X, T, sample_weight in batches.epoch():
            share = X.shape[0] / n_samples
            batch_loss = self.data_loss_gradient(
                params, batch_grads, X, T, sample_weight, workspace
            )
            loss += share * batch_loss  # C = sum_c (N_c / N) C_c
            grads.flat += share * batch_grads.flat
        return self.add_penalty(params, grads, loss)

    def data_loss(self, Z, T, sample_weight=None):
        """``C`` at the logits ``Z`` (left as they are): the validation loss."""
        return self.output_unit.loss(Z, T, sample_weight)
