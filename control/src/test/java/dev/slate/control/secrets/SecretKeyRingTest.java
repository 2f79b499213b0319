package dev.slate.control.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.control.secrets.SecretKeyRing.Sealed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeyRingTest {

    private static final String KEY_A = SecretKeyRing.generateKey();
    private static final String KEY_B = SecretKeyRing.generateKey();

    @Test
    void sealsAndOpensWithTheCurrentKey() {
        SecretKeyRing ring = SecretKeyRing.from(config(KEY_A, null, List.of()));
        Sealed sealed = ring.seal("db_password", "hunter2");
        assertThat(sealed.keyId()).isEqualTo(ring.currentKeyId().orElseThrow()).matches("k-[0-9a-f]{12}");
        assertThat(new String(sealed.ciphertext(), StandardCharsets.UTF_8)).doesNotContain("hunter2");
        assertThat(sealed.nonce()).hasSize(12);
        assertThat(ring.open("db_password", sealed)).isEqualTo("hunter2");
        // a fresh nonce every time: the same value never gives the same ciphertext
        assertThat(ring.seal("db_password", "hunter2").ciphertext()).isNotEqualTo(sealed.ciphertext());
    }

    @Test
    void aCiphertextIsBoundToItsNameAndCannotBeAltered() {
        SecretKeyRing ring = SecretKeyRing.from(config(KEY_A, null, List.of()));
        Sealed sealed = ring.seal("db_password", "hunter2");
        assertThatThrownBy(() -> ring.open("other_name", sealed))
                .isInstanceOf(SecretKeyRing.KeyRingException.class)
                .hasMessageContaining("does not verify")
                .hasMessageNotContaining("hunter2");
        byte[] bytes = sealed.ciphertext();
        bytes[0] ^= 1;
        assertThatThrownBy(() -> ring.open("db_password", new Sealed(sealed.keyId(), sealed.nonce(), bytes)))
                .isInstanceOf(SecretKeyRing.KeyRingException.class);
    }

    @Test
    void rotationDecryptsWithPreviousKeysAndEncryptsWithTheNewOne() {
        Sealed old = SecretKeyRing.from(config(KEY_A, null, List.of())).seal("s", "value");
        SecretKeyRing rotated = SecretKeyRing.from(config(KEY_B, null, List.of(KEY_A)));
        assertThat(rotated.currentKeyId()).isNotEqualTo(Optional.of(old.keyId()));
        assertThat(rotated.canDecrypt(old.keyId())).isTrue();
        assertThat(rotated.open("s", old)).isEqualTo("value");
        assertThat(rotated.seal("s", "value").keyId())
                .isEqualTo(rotated.currentKeyId().orElseThrow());
        // once the old key is dropped, its ciphertexts are refused by name of key, without the value
        SecretKeyRing withoutOld = SecretKeyRing.from(config(KEY_B, null, List.of()));
        assertThatThrownBy(() -> withoutOld.open("s", old))
                .isInstanceOf(SecretKeyRing.KeyRingException.class)
                .hasMessageContaining(old.keyId());
    }

    @Test
    void theKeyCanComeFromAFileAndBadKeysFailWithoutShowingThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, KEY_A + "\n");
        assertThat(SecretKeyRing.from(config(null, file, List.of())).currentKeyId())
                .isEqualTo(SecretKeyRing.from(config(KEY_A, null, List.of())).currentKeyId());
        assertThatThrownBy(() -> SecretKeyRing.from(config("not base64!", null, List.of())))
                .hasMessageContaining("slate.secrets.key")
                .hasMessageNotContaining("not base64!");
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> SecretKeyRing.from(config(shortKey, null, List.of())))
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void withoutAKeyNothingIsEncrypted() {
        SecretKeyRing none = SecretKeyRing.from(config(null, null, List.of()));
        assertThat(none.currentKeyId()).isEmpty();
        assertThatThrownBy(() -> none.seal("s", "v")).hasMessageContaining("slate.secrets.key");
        assertThat(none.toString()).doesNotContain(KEY_A);
    }

    private static SecretsConfig config(String key, Path file, List<String> previous) {
        return new SecretsConfig() {
            @Override
            public Optional<String> key() {
                return Optional.ofNullable(key);
            }

            @Override
            public Optional<Path> keyFile() {
                return Optional.ofNullable(file);
            }

            @Override
            public Optional<List<String>> previousKeys() {
                return Optional.of(previous);
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
