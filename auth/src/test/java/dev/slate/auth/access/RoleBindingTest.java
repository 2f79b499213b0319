package dev.slate.auth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleBindingTest {

    private final Subject dave = new Subject.User("dave");

    @Test
    void appliesOnlyToItsSubjectInItsEnvironment() {
        RoleBinding binding = new RoleBinding(dave, "qa", "developer");
        assertThat(binding.appliesTo(dave, "qa")).isTrue();
        assertThat(binding.appliesTo(dave, "prod")).isFalse();
        assertThat(binding.appliesTo(new Subject.User("vera"), "qa")).isFalse();
        assertThat(binding.appliesTo(new Subject.Client("dave"), "qa")).isFalse();
        assertThat(binding.describe()).isEqualTo("developer@qa for user:dave");
    }

    @Test
    void rejectsInvalidEnvironmentAndRoleNames() {
        assertThatThrownBy(() -> new RoleBinding(dave, "../prod", "developer"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoleBinding(dave, "Prod", "developer"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoleBinding(dave, "", "developer")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoleBinding(dave, "1prod", "developer"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoleBinding(dave, "qa", "dev eloper"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoleBinding(dave, "qa", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
