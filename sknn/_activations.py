"""Hidden-layer activations, each defined once beside its derivative.

Every activation works in place, for speed, on NumPy arrays or those of another Array
API namespace (``_primitives.py``): ``forward(Z)`` turns the pre-activation
``Z`` into the activation ``A = f(Z)``, and ``derivative(A, delta)`` multiplies
``delta`` by ``f'(Z)``, written in terms of the stored output ``A``. Working in place
saves one array of the batch's size per layer and step; writing ``f'`` through ``A``
means the pre-activation need not be kept. (scikit-learn's ``_base.py`` does the same.)

:data:`ACTIVATIONS` is the registry; :data:`ALIASES` gives other names of the same
entry (scikit-learn calls the sigmoid "logistic"); :func:`register_activation` adds
one, which every estimator then accepts by name.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import _kernels
from ._primitives import apply_, expit, keep_where_positive_, namespace, relu_

#: The "improved sigmoid" of LeCun et al., 1.7159 * tanh(2x / 3): f(1) = 1, f(-1) = -1.
LECUN_TANH_SCALE = 1.7159
LECUN_TANH_SLOPE = 2.0 / 3.0


class Activation(NamedTuple):
    """An activation function and its derivative, both in place.

    ``bound``, when known, maps a bound on ``|z|`` to a bound on ``|f(z)|``: it lets
    the engine prove that a fitted network's outputs cannot overflow (``_mlp.py``).
    """

    forward: Callable[[np.ndarray], object]
    derivative: Callable[[np.ndarray, np.ndarray], object]
    bound: Callable[[float], float] | None = None


def _no_larger(z_bound):
    """|f(z)| <= |z| (identity, relu)."""
    return z_bound


def _at_most(value):
    """|f(z)| <= value whatever z (the sigmoids)."""
    return lambda z_bound: value


def identity(Z):
    """f(z) = z."""


def identity_derivative(A, delta):
    """f'(z) = 1: delta is unchanged."""


def logistic(Z):
    """f(z) = 1 / (1 + exp(-z)), the sigmoid, computed without overflow.

    For float32 NumPy arrays, as ``(1 + tanh(z/2)) / 2``: the same function (multiply
    the numerator and the denominator by ``exp(z/2)``: ``1 / (1 + e^{-z}) = e^{z/2} /
    (e^{z/2} + e^{-z/2})``), within a few units in the last place of 1 (the activation
    feeds a product, where absolute error is what counts). NumPy's float32 ``tanh`` is
    vectorised with AVX2 and AVX-512 alike and SciPy's ``expit`` is not: whole fits of
    the sigmoid MLP in float32 were faster with both (docs/performance.rst). Its float64
    ``tanh`` is vectorised with AVX-512 only, and with AVX2 lost to ``expit``: float64
    keeps ``expit``.
    """
    if isinstance(Z, np.ndarray) and Z.dtype == np.float32:
        Z *= 0.5
        np.tanh(Z, out=Z)
        Z *= 0.5
        Z += 0.5
    else:
        expit(Z, out=Z)


def logistic_derivative(A, delta):
    """f'(z) = f(z) (1 - f(z)) = A (1 - A)."""
    fused = _kernels.compiled("logistic_derivative", delta, A)
    if fused is not None:  # the same, as a compiled loop
        fused(delta, A, A.dtype.type(1))
        return
    delta *= A
    delta *= 1 - A


def tanh(Z):
    """f(z) = tanh(z)."""
    apply_(namespace(Z).tanh, Z, Z)


def tanh_derivative(A, delta):
    """f'(z) = 1 - tanh(z)^2 = 1 - A^2."""
    delta *= 1 - A * A


def lecun_tanh(Z):
    """f(z) = 1.7159 tanh(2z/3), the "improved sigmoid"."""
    Z *= LECUN_TANH_SLOPE
    apply_(namespace(Z).tanh, Z, Z)
    Z *= LECUN_TANH_SCALE


def lecun_tanh_derivative(A, delta):
    """f'(z) = 1.7159 (2/3) (1 - tanh(2z/3)^2) = (2/3) (1.7159 - A^2 / 1.7159)."""
    delta *= LECUN_TANH_SLOPE * (LECUN_TANH_SCALE - A * A / LECUN_TANH_SCALE)


def relu(Z):
    """f(z) = max(z, 0)."""
    relu_(Z)


def relu_derivative(A, delta):
    """f'(z) = 1 where z > 0 (equivalently A > 0), else 0."""
    keep_where_positive_(delta, A)


ACTIVATIONS = {
    "identity": Activation(identity, identity_derivative, _no_larger),
    "logistic": Activation(logistic, logistic_derivative, _at_most(1.0)),
    "tanh": Activation(tanh, tanh_derivative, _at_most(1.0)),
    "lecun_tanh": Activation(lecun_tanh, lecun_tanh_derivative, _at_most(LECUN_TANH_SCALE)),
    "relu": Activation(relu, relu_derivative, _no_larger),
}

#: Other names of registry entries: one activation, two names.
ALIASES = {"sigmoid": "logistic"}


def get_activation(name):
    """The registered activation called ``name`` (or one of its aliases); an
    :class:`Activation` itself (from :func:`register_activation`) as it is.

    Raises
    ------
    ValueError
        When no activation of that name is registered.
    """
    if isinstance(name, Activation):
        return name
    activation = ACTIVATIONS.get(ALIASES.get(name, name))
    if activation is None:
        raise ValueError(
            f"Unknown activation {name!r}; registered: {activation_names()}. Add one with "
            "sknn.utils.register_activation(name, forward, derivative)."
        )
    return activation


def activation_names():
    """Every name that :func:`get_activation` takes, sorted."""
    return sorted([*ACTIVATIONS, *ALIASES])


def register_activation(
    name: str,
    forward: Callable[[np.ndarray], object],
    derivative: Callable[[np.ndarray, np.ndarray], object],
) -> Activation:
    """Make a new hidden-layer activation available to every estimator by name.

    Both functions work in place, like the built-in ones: ``forward(Z)`` overwrites
    the pre-activations ``Z`` with ``f(Z)``; ``derivative(A, delta)`` multiplies
    ``delta`` by ``f'(z)``, given only the stored activations ``A = f(Z)``; what they
    return is ignored, and a function that returns a new array instead (``np.tanh``
    rather than ``np.tanh(Z, out=Z)``) is refused. Check a new pair with
    :func:`sknn.utils.check_gradients` before trusting it.

    Parameters
    ----------
    name : str
        The name to pass as ``activation=``. Must not be taken already.
    forward : callable
        ``forward(Z)``: ``Z[...] = f(Z)``.
    derivative : callable
        ``derivative(A, delta)``: ``delta[...] *= f'(z)`` where ``A = f(z)``.

    Returns
    -------
    activation : Activation
        The pair, to pass as ``activation=`` instead of the name where the estimator
        goes to another process: the registry belongs to the process that registered
        it, while the functions travel with the estimator. A search with
        ``n_jobs`` fits clones in worker processes that never ran this call (joblib
        sends functions defined in a script by value), and a pickled model predicts
        with the functions it was fitted with, not with whatever another process
        registered under the name (pickle stores functions by reference: define them
        in a module that the loading process can import).

    Raises
    ------
    ValueError
        When ``name`` is empty or taken.
    TypeError
        When ``forward`` or ``derivative`` is not callable, or, called on a small
        NumPy array, returns a new array instead of working in place.

    Examples
    --------
    The softplus ``f(z) = log(1 + e^z)``, whose derivative is the sigmoid
    ``1 - e^{-f(z)}``:

    >>> import numpy as np
    >>> from sknn.utils import register_activation
    >>> def softplus(Z):
    ...     np.logaddexp(0, Z, out=Z)
    >>> def softplus_derivative(A, delta):
    ...     delta *= -np.expm1(-A)
    >>> softplus_pair = register_activation("softplus", softplus, softplus_derivative)
    >>> from sknn import MLPClassifierGD
    >>> MLPClassifierGD(activation="softplus").activation
    'softplus'
    >>> MLPClassifierGD(activation=softplus_pair).activation.forward is softplus
    True
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"An activation's name must be a non-empty string, got {name!r}.")
    if name in ACTIVATIONS or name in ALIASES:
        raise ValueError(f"An activation called {name!r} is registered already.")
    if not (callable(forward) and callable(derivative)):
        raise TypeError("forward and derivative must both be callables.")
    _check_in_place(name, forward, derivative)
    ACTIVATIONS[name] = Activation(forward, derivative)
    return ACTIVATIONS[name]


def _check_in_place(name, forward, derivative):
    """Raise a TypeError when ``forward`` or ``derivative`` returns a new array.

    The network ignores what they return: a ``forward`` that returns ``f(Z)`` and
    leaves ``Z`` as it is would train, silently, as the identity (and its gradients
    would check, since the derivative is ignored the same way). Each is called once on
    a small NumPy array; one that cannot take NumPy arrays is not checked.
    """
    A = np.array([[-1.0, 0.5, 2.0]])  # Z, then f(Z) once forward has run on it
    delta = np.ones_like(A)
    probes = (
        ("forward(Z)", lambda: forward(A), A, "Z[...] = f(Z)"),
        ("derivative(A, delta)", lambda: derivative(A, delta), delta, "delta[...] *= f'(z)"),
    )
    for call, probe, argument, in_place in probes:
        try:
            result = probe()
        except Exception:  # not for NumPy arrays (another namespace's functions, say)
            return
        if result is not None and result is not argument:
            raise TypeError(
                f"Activation {name!r}: {call} returned a new {type(result).__name__}; "
                f"it must work in place ({in_place}), like the built-in activations, "
                "since the network uses the array it passed and ignores what is "
                "returned. Write the result into the argument, for example with "
                "out= (np.tanh(Z, out=Z)) or an in-place operator (delta *= ...)."
            )
