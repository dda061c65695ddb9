"""What the displays share: the check that matplotlib is installed, the fitted model."""


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
