from ..errors import FieldProblem, format_problems


class InvalidPayload(ValueError):
    """A channel payload that cannot become an Application; `problems` names each bad field."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__(format_problems(problems))
