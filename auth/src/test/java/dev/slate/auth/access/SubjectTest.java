package dev.slate.auth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubjectTest {

    @Test
    void parsesUsersAndClients() {
        assertThat(Subject.parse("user:alice")).isEqualTo(new Subject.User("alice"));
        assertThat(Subject.parse("client:slate-service")).isEqualTo(new Subject.Client("slate-service"));
        assertThat(new Subject.User("dave@example.com").ref()).isEqualTo("user:dave@example.com");
    }

    @Test
    void aUserAndAClientOfTheSameNameAreDifferentSubjects() {
        assertThat(Subject.parse("user:ci")).isNotEqualTo(Subject.parse("client:ci"));
    }

    @Test
    void rejectsMalformedReferences() {
        assertThatThrownBy(() -> Subject.parse("alice")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subject.parse("group:admins")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subject.parse("user:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subject.parse("user:a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subject.parse("user:x'; DROP TABLE role_bindings;--"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
