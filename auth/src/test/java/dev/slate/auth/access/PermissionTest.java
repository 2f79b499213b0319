package dev.slate.auth.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PermissionTest {

    @Test
    void codesAreTheDocumentedNames() {
        assertThat(Arrays.stream(Permission.values()).map(Permission::code))
                .containsExactly("query.online", "query.offline", "ingest", "deploy", "read.catalog", "admin");
    }

    @Test
    void everyCodeParsesBackToItsPermission() {
        for (Permission p : Permission.values()) {
            assertThat(Permission.fromCode(p.code())).contains(p);
        }
    }

    @Test
    void unknownOrDifferentlySpelledCodesDoNotParse() {
        assertThat(Permission.fromCode("QUERY_ONLINE")).isEmpty();
        assertThat(Permission.fromCode("query.online ")).isEmpty();
        assertThat(Permission.fromCode("superuser")).isEmpty();
    }
}
