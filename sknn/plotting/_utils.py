"""What the displays share: the check that matplotlib is installed, the fitted model,
the checks of their counts."""

import numbers


def check_matplotlib(caller_name):
    """Raise an ImportError that says how to install matplotlib when it is missing.

    Parameters
    ----------
    caller_name : str
        The function that needs matplotlib, named in the message.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"{caller_name} requires matplotlib, which is not installed. "
            'Install it with: pip install "sknn[plot]"'
        ) from error


def final_estimator(estimator):
    """The estimator itself, or the last step of a Pipeline."""
    if hasattr(estimator, "steps"):
        return estimator.steps[-1][1]
    return estimator


def check_count(value, name, none_means):
    """Raise unless ``value``, the parameter ``name``, is a positive integer or None.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        The parameter's name, for the message.
    none_means : str
        What None asks for, for the message: "to draw every unit".

    Raises
    ------
    TypeError
        When ``value`` is neither an integer nor None (a float, a bool, a string).
    ValueError
        When ``value`` is an integer below 1.
    """
    if value is None:
        return
    expected = f"{name} must be a positive integer, or None {none_means}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{expected}; got {value!r} of type {type(value).__name__}.")
    if value < 1:
        raise ValueError(f"{expected}; got {value!r}.")
