package dev.slate.serving.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretReferenceTest {
    @Test
    void parsesReferences() {
        assertThat(SecretReference.parse("${secret:appdb_password}"))
                .isEqualTo(new SecretReference.Secret("appdb_password"));
        assertThat(SecretReference.parse("${env:DB_URL}")).isEqualTo(new SecretReference.Env("DB_URL"));
        assertThat(SecretReference.parse(" ${secret:a.b-c_1} ")).isEqualTo(new SecretReference.Secret("a.b-c_1"));
        assertThat(SecretReference.parse("${secret:x}").text()).isEqualTo("${secret:x}");
    }

    @Test
    void everythingElseIsPlainText() {
        for (String text : new String[] {
            "hunter2", "${vault:x}", "${secret:}", "${secret:1abc}", "pre ${env:X}", "${env:X} post", "${env:X"
        }) {
            assertThat(SecretReference.parse(text)).as(text).isInstanceOf(SecretReference.Plain.class);
            assertThat(SecretReference.isReference(text)).as(text).isFalse();
        }
        assertThat(SecretReference.parse("postgresql://h/db").text()).isEqualTo("postgresql://h/db");
    }

    @Test
    void brokenReferencesAreRecognised() {
        assertThat(SecretReference.looksLikeBrokenReference("${secret:}")).isTrue();
        assertThat(SecretReference.looksLikeBrokenReference("${vault:x}")).isTrue();
        assertThat(SecretReference.looksLikeBrokenReference("${secret:x}")).isFalse();
        assertThat(SecretReference.looksLikeBrokenReference("plain")).isFalse();
    }

    @Test
    void plainTextIsNotPrinted() {
        assertThat(SecretReference.parse("hunter2").toString()).doesNotContain("hunter2");
    }
}
