package dev.slate.control.deploy;

import dev.slate.model.ProjectProblem;
import dev.slate.model.ProjectValidationException;
import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.ErrorDetail;
import dev.slate.model.error.SlateException;
import java.util.List;

/** Turns a rejected project into the VALIDATION_FAILED request error, one entry per problem. */
final class ProjectProblems {
    private ProjectProblems() {
    }

    static SlateException validationFailed(String what, ProjectValidationException e) {
        List<ProjectProblem> problems = e.problems();
        List<ErrorDetail> errors = problems.stream().<ErrorDetail>map(ErrorDetail.InProject::of).toList();
        String detail = what + " is invalid: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "; first: " + problems.getFirst();
        return new SlateException(ErrorCode.VALIDATION_FAILED, SlateException.Condition.NONE, detail, errors, e);
    }
}
