package dev.slate.serving.model.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.model.ProjectProblem;
import dev.slate.serving.model.SourceLocation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlateExceptionTest {

    @Test
    void keepsItsCause() {
        IOException cause = new IOException("disk gone");
        SlateException e = new SlateException(ErrorCode.STORE_UNAVAILABLE, "the store failed", cause);
        assertThat(e).hasCause(cause).hasMessage("the store failed");
        assertThat(e.condition()).isEqualTo(SlateException.Condition.NONE);
        assertThat(new SlateException(ErrorCode.NOT_FOUND, "no such job").getCause())
                .isNull();
    }

    @Test
    void takesOnlyRequestCodes() {
        assertThatThrownBy(() -> new SlateException(ErrorCode.CYCLE, "a project code"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CYCLE");
        assertThatThrownBy(() -> new SlateException(ErrorCode.RESOLVER_FAILED, "a field code"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copiesItsDetails() {
        List<ErrorDetail> details = new ArrayList<>(List.of(ErrorDetail.Field.of("outputs", "unknown feature 'x'")));
        SlateException e = new SlateException(ErrorCode.INVALID_QUERY, "bad", details);
        details.clear();
        assertThat(e.errors()).containsExactly(new ErrorDetail.Field("outputs", null, "unknown feature 'x'"));
    }

    @Test
    void aProjectProblemKeepsItsPlaceAndCode() {
        ProjectProblem problem = new ProjectProblem(
                new SourceLocation("slate.yaml", 3, 7), ErrorCode.UNKNOWN_TYPE.name(), "unknown type 'integer'");
        assertThat(ErrorDetail.InProject.of(problem))
                .isEqualTo(new ErrorDetail.InProject(
                        "slate.yaml", 3, 7, ErrorCode.UNKNOWN_TYPE, "unknown type 'integer'"));
    }

    @Test
    void everyCodeHasAScopeAndNamesAreUnique() {
        assertThat(ErrorCode.values()).allSatisfy(c -> assertThat(c.scope()).isNotNull());
        assertThat(List.of(ErrorCode.values()).stream().filter(c -> c.scope() == ErrorCode.Scope.FIELD))
                .containsExactly(ErrorCode.RESOLVER_FAILED, ErrorCode.RESOLVER_TIMED_OUT, ErrorCode.UPSTREAM_FAILED);
    }
}
