package dev.slate.installer.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.installer.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFilesTest {
    @TempDir
    Path temp;

    private Path project() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("p"));
        Files.writeString(dir.resolve("slate.yaml"), "project: p\n");
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/users.sql"), "SELECT 1");
        Files.writeString(dir.resolve("a/b/more.yml"), "x: 1");
        Files.writeString(dir.resolve("a/b/notes.txt"), "ignored");
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config.yaml"), "hidden");
        Files.writeString(dir.resolve(".hidden.yaml"), "hidden");
        return dir;
    }

    @Test
    void readsProjectFilesRecursivelyWithRelativeSlashPaths() throws Exception {
        Map<String, String> files = ProjectFiles.read(project());

        assertThat(files).containsOnlyKeys("slate.yaml", "a/users.sql", "a/b/more.yml");
        assertThat(files.get("a/users.sql")).isEqualTo("SELECT 1");
        assertThat(files.keySet()).containsExactly("a/b/more.yml", "a/users.sql", "slate.yaml");
    }

    @Test
    void refusesASymlinkThatLeavesTheDirectory() throws Exception {
        Path dir = project();
        Path outside = Files.writeString(temp.resolve("secret.yaml"), "password: x");
        Files.createSymbolicLink(dir.resolve("link.yaml"), outside);

        assertThatThrownBy(() -> ProjectFiles.read(dir))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("refusing link.yaml")
                .hasMessageContaining("outside");
    }

    @Test
    void refusesADirectorySymlinkThatLeavesTheDirectory() throws Exception {
        Path dir = project();
        Path outside = Files.createDirectories(temp.resolve("elsewhere"));
        Files.writeString(outside.resolve("x.sql"), "SELECT 2");
        Files.createSymbolicLink(dir.resolve("more"), outside);

        assertThatThrownBy(() -> ProjectFiles.read(dir))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("refusing more");
    }

    @Test
    void acceptsASymlinkThatStaysInside() throws Exception {
        Path dir = project();
        Files.createSymbolicLink(dir.resolve("alias.sql"), dir.resolve("a/users.sql"));
        Files.createSymbolicLink(dir.resolve("same"), dir.resolve("a"));

        Map<String, String> files = ProjectFiles.read(dir);

        assertThat(files).containsEntry("alias.sql", "SELECT 1");
        assertThat(files.keySet()).noneMatch(k -> k.startsWith("same/"));
    }

    @Test
    void emptyDirectoryIsAnError() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("empty"));

        assertThatThrownBy(() -> ProjectFiles.read(dir))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("no project files");
    }

    @Test
    void nonUtf8FileIsAnError() throws Exception {
        Path dir = project();
        Files.write(dir.resolve("bad.sql"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});

        assertThatThrownBy(() -> ProjectFiles.read(dir))
                .isInstanceOf(CliException.class)
                .hasMessage("bad.sql is not UTF-8 text");
    }
}
