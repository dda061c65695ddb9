"""The flat parameter vector of a network and its per-layer views.

Every weight matrix and intercept vector of a network lives in one contiguous vector,
the weights first::

    flat = [ W_1 | W_2 | ... | W_L | b_1 | b_2 | ... | b_L ]
           \\_____ penalised ______/ \\___ not penalised ___/

so that the L2 penalty and its gradient are single operations on
``flat[:n_weights]`` (:attr:`Parameters.weight_vector`), an optimizer step is a few
operations on ``flat`` however many layers there are, and L-BFGS sees the vector it
expects. ``weights[j]`` (shape (fan_in, fan_out)) and ``intercepts[j]`` (shape
(fan_out,)) are views into it: writing to a view writes to the vector.
"""

import numpy as np

from ._primitives import like, reshape, to_numpy, zeros, zeros_like


class Parameters:
    """All weights and intercepts of a network in one flat vector, seen as arrays.

    Parameters
    ----------
    layer_shapes : list of (int, int)
        ``(fan_in, fan_out)`` of each layer.
    dtype : dtype
        float32 or float64.
    flat : ndarray of shape (n_parameters,), default=None
        An existing vector to view (not copied); zeros when None.
    fit_intercept : bool, default=True
        Whether the layers have intercepts; without them ``intercepts[j]`` is None.
    like_array : array, default=None
        New zeros live in this array's namespace and on its device (NumPy if None).

    Attributes
    ----------
    flat : ndarray of shape (n_parameters,)
        Every parameter, weights first.
    weight_vector : ndarray of shape (n_weights,)
        ``flat[:n_weights]``: the penalised part.
    weights : list of ndarray
        ``weights[j]``, of shape ``layer_shapes[j]``, a view into ``flat``.
    intercepts : list of ndarray or None
        ``intercepts[j]``, of shape ``(layer_shapes[j][1],)``, a view into ``flat``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._parameters import Parameters
    >>> params = Parameters([(3, 2), (2, 1)], np.float64)
    >>> params.flat.shape, params.n_weights
    ((11,), 8)
    >>> params.weights[1][...] = 7.0
    >>> params.flat
    array([0., 0., 0., 0., 0., 0., 7., 7., 0., 0., 0.])
    """

    def __init__(self, layer_shapes, dtype, *, flat=None, fit_intercept=True, like_array=None):
        self.layer_shapes = [(int(fan_in), int(fan_out)) for fan_in, fan_out in layer_shapes]
        self.fit_intercept = fit_intercept
        weight_sizes = [fan_in * fan_out for fan_in, fan_out in self.layer_shapes]
        intercept_sizes = [fan_out if fit_intercept else 0 for _, fan_out in self.layer_shapes]
        self.n_weights = sum(weight_sizes)
        n_parameters = self.n_weights + sum(intercept_sizes)
        if flat is None:
            flat = zeros(n_parameters, dtype, np.empty(0) if like_array is None else like_array)
        elif flat.shape != (n_parameters,):
            raise ValueError(f"Expected {n_parameters} parameters, got an array of {flat.shape}.")
        self.flat = flat
        self.weight_vector = flat[: self.n_weights]
        self.weights, self.intercepts = [], []
        offset = 0
        for shape, size in zip(self.layer_shapes, weight_sizes):
            self.weights.append(reshape(flat[offset : offset + size], shape))
            offset += size
        for size in intercept_sizes:
            self.intercepts.append(flat[offset : offset + size] if size else None)
            offset += size

    def like(self, flat=None):
        """Parameters of the same layout over ``flat`` (a new zero vector when None)."""
        if flat is None:
            flat = zeros_like(self.flat)
        return Parameters(
            self.layer_shapes, flat.dtype, flat=flat, fit_intercept=self.fit_intercept
        )

    def assign(self, weights, intercepts, names):
        """Copy public arrays into the views, checking that each has the expected shape.

        ``names`` are the public names of the weights and of the intercepts, for the
        error message; intercepts are ignored without ``fit_intercept``.
        """
        weight_names, intercept_names = names
        for given, public in ((weights, weight_names), (intercepts, intercept_names)):
            if len(given) != len(self.layer_shapes):
                arrays = f"{len(given)} array" + ("s" if len(given) != 1 else "")
                layers = f"{len(self.layer_shapes)} layer" + (
                    "s" if len(self.layer_shapes) != 1 else ""
                )
                raise ValueError(
                    f"{public[0].partition('[')[0]} holds {arrays}, but the network has "
                    f"{layers}: give one per layer, or refit from scratch."
                )
        pairs = list(zip(self.weights, weights, weight_names))
        if self.fit_intercept:
            pairs += zip(self.intercepts, intercepts, intercept_names)
        for view, value, name in pairs:
            if isinstance(view, np.ndarray) or not hasattr(value, "shape"):
                value = np.asarray(to_numpy(value) if hasattr(value, "shape") else value)
            if tuple(value.shape) != tuple(view.shape):
                given, needed = tuple(value.shape), tuple(view.shape)
                if name == "coef_":  # scikit-learn's coef_ is W^T: say it in its shapes
                    given, needed = given[::-1], needed[::-1]
                raise ValueError(
                    f"{name} has shape {given}, but the model needs {needed}. Set "
                    "parameters of the fitted shapes, or refit from scratch."
                )
            view[...] = value if isinstance(view, np.ndarray) else like(value, view, view.dtype)
