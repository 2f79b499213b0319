package dev.slate.installer.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.installer.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void writesAPrivateFileInAPrivateDirectoryAndReadsItBack(@TempDir Path home) throws Exception {
        TokenFile file = new TokenFile(home.resolve(".slate/token"));
        StoredToken token = token(NOW.plusSeconds(300), "refresh-token-value");
        file.write(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(file.path().getParent())))
                .isEqualTo("rwx------");
        assertThat(file.read()).contains(token);
        assertThat(token.toString()).doesNotContain("access-token-value").doesNotContain("refresh-token-value");
        assertThat(file.delete()).isTrue();
        assertThat(file.read()).isEmpty();
    }

    @Test
    void aFileOthersCanReadIsRefused(@TempDir Path home) throws Exception {
        TokenFile file = new TokenFile(home.resolve("token"));
        file.write(token(NOW.plusSeconds(300), null));
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(file::read).isInstanceOf(CliException.class).hasMessageContaining("readable by others");
    }

    @Test
    void aFreshTokenIsUsedAsIsAndAnExpiredOneWithoutRefreshNeedsANewLogin(@TempDir Path home) {
        TokenFile file = new TokenFile(home.resolve("token"));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        file.write(token(NOW.plusSeconds(300), null));
        assertThat(new TokenSource(Optional.empty(), file, clock).accessToken()).contains("access-token-value");
        file.write(token(NOW.plusSeconds(10), null)); // inside the 30 s margin
        assertThatThrownBy(() -> new TokenSource(Optional.empty(), file, clock).accessToken())
                .hasMessageContaining("slate login");
        // SLATE_TOKEN wins over the file
        assertThat(new TokenSource(Optional.of(" env-token "), file, clock).accessToken())
                .contains("env-token");
        assertThat(new TokenSource(Optional.empty(), new TokenFile(home.resolve("none")), clock).accessToken())
                .isEmpty();
    }

    private static StoredToken token(Instant expiresAt, String refresh) {
        return new StoredToken(
                "http://127.0.0.1:18080/realms/slate",
                "slate-cli",
                "vera",
                "access-token-value",
                expiresAt.getEpochSecond(),
                refresh,
                refresh == null ? null : expiresAt.plusSeconds(1800).getEpochSecond());
    }
}
