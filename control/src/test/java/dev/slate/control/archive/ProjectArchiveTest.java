package dev.slate.control.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.control.deploy.ProjectLimits;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ProjectArchiveTest {
    private static final String SLATE = "project: demo\n";
    private static final String SQL = "-- resolves: user\nSELECT 1\n";

    @Test
    void readsTarGzWithFolders() {
        byte[] archive = new TestArchives.Tar()
                .directory("sql/")
                .file("slate.yaml", SLATE)
                .file("sql/users.sql", SQL)
                .gzipped();

        assertThat(ProjectArchive.read(ArchiveFormat.TAR_GZ, archive))
                .containsExactly(Map.entry("slate.yaml", SLATE), Map.entry("sql/users.sql", SQL));
    }

    @Test
    void readsPlainTarAndGzippedTarSentAsXTar() {
        TestArchives.Tar tar = new TestArchives.Tar().file("./slate.yaml", SLATE);

        assertThat(ProjectArchive.read(ArchiveFormat.TAR, tar.bytes())).containsOnlyKeys("slate.yaml");
        assertThat(ProjectArchive.read(ArchiveFormat.TAR, tar.gzipped())).containsOnlyKeys("slate.yaml");
    }

    @Test
    void removesTheSingleTopLevelFolderAndSkipsFilesThatAreNotPartOfTheProject() {
        byte[] archive = new TestArchives.Tar()
                .directory("fraud/")
                .file("fraud/slate.yaml", SLATE)
                .file("fraud/users.sql", SQL)
                .file("fraud/README.md", "# readme")
                .file("fraud/._slate.yaml", "mac resource fork")
                .file("fraud/.git/config.yaml", "x: 1")
                .gzipped();

        assertThat(ProjectArchive.read(ArchiveFormat.TAR_GZ, archive)).containsOnlyKeys("slate.yaml", "users.sql");
    }

    @Test
    void keepsFolderNamesWhenFilesAreNotAllInOneFolder() {
        byte[] archive = new TestArchives.Tar()
                .file("a/slate.yaml", SLATE)
                .file("b/x.sql", SQL)
                .gzipped();

        assertThat(ProjectArchive.read(ArchiveFormat.TAR_GZ, archive)).containsOnlyKeys("a/slate.yaml", "b/x.sql");
    }

    @Test
    void readsPaxLongPaths() {
        String longPath = "p/" + "d".repeat(120) + "/users.sql";
        byte[] archive = new TestArchives.Tar()
                .file("slate.yaml", SLATE)
                .paxPath(longPath)
                .file("ignored-name", SQL)
                .gzipped();

        assertThat(ProjectArchive.read(ArchiveFormat.TAR_GZ, archive)).containsOnlyKeys("slate.yaml", longPath);
    }

    @Test
    void rejectsPathTraversalInTar() {
        byte[] archive = new TestArchives.Tar()
                .file("slate.yaml", SLATE)
                .file("sql/../../evil.sql", SQL)
                .gzipped();

        assertFails(() -> ProjectArchive.read(ArchiveFormat.TAR_GZ, archive), ErrorCode.PARSE_FAILED, "'..'");
    }

    @Test
    void rejectsPathTraversalInSkippedFilesAndFolders() {
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar().file("../README.md", "x").bytes()),
                ErrorCode.PARSE_FAILED,
                "outside the archive");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar().directory("../up/").bytes()),
                ErrorCode.PARSE_FAILED,
                "outside the archive");
    }

    @Test
    void rejectsAbsolutePaths() {
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar().file("/etc/slate.yaml", SLATE).bytes()),
                ErrorCode.PARSE_FAILED,
                "absolute");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.ZIP,
                        new TestArchives.Zip().file("C:/x/slate.yaml", SLATE).bytes()),
                ErrorCode.PARSE_FAILED,
                "absolute");
    }

    @Test
    void rejectsLinks() {
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar()
                                .file("slate.yaml", SLATE)
                                .symlink("x.sql", "/etc/passwd")
                                .bytes()),
                ErrorCode.PARSE_FAILED,
                "link");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar()
                                .file("slate.yaml", SLATE)
                                .hardlink("x.sql", "slate.yaml")
                                .bytes()),
                ErrorCode.PARSE_FAILED,
                "link");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.ZIP,
                        new TestArchives.Zip()
                                .file("slate.yaml", SLATE)
                                .symlink("x.sql", "/etc/passwd")
                                .bytes()),
                ErrorCode.PARSE_FAILED,
                "'x.sql' is a link");
    }

    @Test
    void rejectsDevicesAndDuplicates() {
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar()
                                .entry("dev", '3', new byte[0], "")
                                .bytes()),
                ErrorCode.PARSE_FAILED,
                "character device");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar()
                                .file("slate.yaml", SLATE)
                                .file("./slate.yaml", SLATE)
                                .bytes()),
                ErrorCode.PARSE_FAILED,
                "twice");
    }

    @Test
    void rejectsZipSlipThroughPaxHeadersAndNestedDotDots() {
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar()
                                .paxPath("ok/../../../etc/cron.d/x.sql")
                                .file("x.sql", SQL)
                                .bytes()),
                ErrorCode.PARSE_FAILED,
                "'..'");
        // Commons Compress drops the leading '/' of a pax path: the entry stays a relative name inside the archive
        assertThat(ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar()
                                .paxPath("/etc/slate.yaml")
                                .file("slate.yaml", SLATE)
                                .bytes()))
                .containsOnlyKeys("slate.yaml");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.ZIP,
                        new TestArchives.Zip().file("a/./b/../../../x.sql", SQL).bytes()),
                ErrorCode.PARSE_FAILED,
                "'..'");
        // a DOS-made zip's backslashes are folder separators to Commons Compress; the '..' is still caught
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.ZIP,
                        new TestArchives.Zip().file("a\\..\\x.sql", SQL).bytes()),
                ErrorCode.PARSE_FAILED,
                "'..'");
    }

    @Test
    void rejectsALinkEvenWhenItsTargetLooksHarmless() {
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR_GZ,
                        new TestArchives.Tar()
                                .symlink("sql", "../../")
                                .file("sql/x.sql", SQL)
                                .gzipped()),
                ErrorCode.PARSE_FAILED,
                "link");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.ZIP,
                        new TestArchives.Zip()
                                .symlink("slate.yaml", "slate.yaml")
                                .bytes()),
                ErrorCode.PARSE_FAILED,
                "'slate.yaml' is a link");
    }

    @Test
    void rejectsArchivesWithTooManyEntriesOfAnyKind() {
        TestArchives.Tar tar = new TestArchives.Tar();
        TestArchives.Zip zip = new TestArchives.Zip();
        for (int i = 0; i <= ArchiveCollector.MAX_ENTRIES; i++) {
            tar.directory("d" + i + "/");
            zip.file("n" + i + ".txt", "");
        }

        assertFails(() -> ProjectArchive.read(ArchiveFormat.TAR, tar.bytes()), ErrorCode.PAYLOAD_TOO_LARGE, "entries");
        assertFails(() -> ProjectArchive.read(ArchiveFormat.ZIP, zip.bytes()), ErrorCode.PAYLOAD_TOO_LARGE, "entries");
    }

    @Test
    void aZipBombIsNeverExpandedPastTheLimits() {
        byte[] zeros = new byte[64 * ProjectLimits.MAX_FILE_BYTES]; // 64 MiB of zeros: a few dozen KiB compressed
        byte[] bomb = new TestArchives.Zip().file("skipped.bin", zeros).bytes();
        assertThat(bomb.length).isLessThan(ProjectLimits.MAX_FILE_BYTES);

        assertFails(() -> ProjectArchive.read(ArchiveFormat.ZIP, bomb), ErrorCode.PAYLOAD_TOO_LARGE, "skipped.bin");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR_GZ,
                        new TestArchives.Tar().file("skipped.bin", zeros).gzipped()),
                ErrorCode.PAYLOAD_TOO_LARGE,
                "skipped.bin");
    }

    @Test
    void readsZip() {
        byte[] archive = new TestArchives.Zip()
                .file("demo/slate.yaml", SLATE)
                .file("demo/sql/users.sql", SQL)
                .file("demo/notes.txt", "x")
                .bytes();

        assertThat(ProjectArchive.read(ArchiveFormat.ZIP, archive))
                .containsExactly(Map.entry("slate.yaml", SLATE), Map.entry("sql/users.sql", SQL));
    }

    @Test
    void rejectsPathTraversalInZip() {
        byte[] archive = new TestArchives.Zip()
                .file("slate.yaml", SLATE)
                .file("../evil.sql", SQL)
                .bytes();

        assertFails(() -> ProjectArchive.read(ArchiveFormat.ZIP, archive), ErrorCode.PARSE_FAILED, "'..'");
    }

    @Test
    void rejectsAFileOverOneMebibyteWithoutReadingIt() {
        byte[] big = new byte[ProjectLimits.MAX_FILE_BYTES + 1];
        Arrays.fill(big, (byte) 'a');

        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR_GZ,
                        new TestArchives.Tar().file("big.sql", big).gzipped()),
                ErrorCode.PAYLOAD_TOO_LARGE,
                "big.sql");
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.ZIP,
                        new TestArchives.Zip().file("big.sql", big).bytes()),
                ErrorCode.PAYLOAD_TOO_LARGE,
                "big.sql");
        // files that are not part of the project count too: a compressed bomb is never expanded
        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR_GZ,
                        new TestArchives.Tar().file("big.bin", big).gzipped()),
                ErrorCode.PAYLOAD_TOO_LARGE,
                "big.bin");
    }

    @Test
    void acceptsAFileOfExactlyOneMebibyte() {
        byte[] limit = new byte[ProjectLimits.MAX_FILE_BYTES];
        Arrays.fill(limit, (byte) 'a');

        assertThat(ProjectArchive.read(
                                ArchiveFormat.TAR_GZ,
                                new TestArchives.Tar().file("limit.sql", limit).gzipped())
                        .get("limit.sql"))
                .hasSize(ProjectLimits.MAX_FILE_BYTES);
    }

    @Test
    void rejectsMoreThanFiveMebibytesInAll() {
        byte[] almost = new byte[ProjectLimits.MAX_FILE_BYTES];
        Arrays.fill(almost, (byte) 'a');
        TestArchives.Tar tar = new TestArchives.Tar();
        for (int i = 0; i < 6; i++) {
            tar.file("f" + i + ".sql", almost);
        }

        assertFails(
                () -> ProjectArchive.read(ArchiveFormat.TAR_GZ, tar.gzipped()), ErrorCode.PAYLOAD_TOO_LARGE, "5 MiB");
    }

    @Test
    void rejectsMoreThanFiveHundredFiles() {
        TestArchives.Zip zip = new TestArchives.Zip();
        for (int i = 0; i <= ProjectLimits.MAX_FILES; i++) {
            zip.file("f" + i + ".sql", "SELECT 1");
        }

        assertFails(
                () -> ProjectArchive.read(ArchiveFormat.ZIP, zip.bytes()), ErrorCode.PAYLOAD_TOO_LARGE, "500 files");
    }

    @Test
    void rejectsInputThatIsNotAnArchiveOfTheStatedFormat() {
        byte[] text = "project: demo\n".getBytes(StandardCharsets.UTF_8);

        assertFails(() -> ProjectArchive.read(ArchiveFormat.TAR_GZ, text), ErrorCode.PARSE_FAILED, "gzip");
        assertFails(() -> ProjectArchive.read(ArchiveFormat.TAR, text), ErrorCode.PARSE_FAILED, "not a tar archive");
        // a full first block whose checksum field is not octal (a JSON or YAML body sent as a tar): a 400, never a 500
        byte[] block = Arrays.copyOf(
                "{\"files\": {\"slate.yaml\": \"project: fraud ts table\"}}".getBytes(StandardCharsets.UTF_8), 512);
        Arrays.fill(block, 148, 156, (byte) 't');
        assertFails(() -> ProjectArchive.read(ArchiveFormat.TAR, block), ErrorCode.PARSE_FAILED, "not a tar archive");
        assertFails(() -> ProjectArchive.read(ArchiveFormat.ZIP, text), ErrorCode.PARSE_FAILED, "not a zip archive");
        assertFails(
                () -> ProjectArchive.read(ArchiveFormat.TAR_GZ, TestArchives.gzip(text)),
                ErrorCode.PARSE_FAILED,
                "tar");
    }

    @Test
    void rejectsTruncatedArchives() {
        byte[] tar =
                new TestArchives.Tar().file("slate.yaml", SLATE.repeat(100)).bytes();
        byte[] cut = Arrays.copyOf(tar, 700);
        byte[] gz = TestArchives.gzip(tar);

        assertFails(() -> ProjectArchive.read(ArchiveFormat.TAR, cut), ErrorCode.PARSE_FAILED, "truncated");
        assertFails(
                () -> ProjectArchive.read(ArchiveFormat.TAR_GZ, Arrays.copyOf(gz, gz.length / 2)),
                ErrorCode.PARSE_FAILED,
                "");
    }

    @Test
    void rejectsFilesThatAreNotUtf8() {
        byte[] latin1 = "caf\u00e9: 1".getBytes(StandardCharsets.ISO_8859_1);

        assertFails(
                () -> ProjectArchive.read(
                        ArchiveFormat.TAR,
                        new TestArchives.Tar().file("x.yaml", latin1).bytes()),
                ErrorCode.PARSE_FAILED,
                "UTF-8");
    }

    @Test
    void mapsMediaTypes() {
        assertThat(ArchiveFormat.forMediaType("application/gzip")).contains(ArchiveFormat.TAR_GZ);
        assertThat(ArchiveFormat.forMediaType("Application/X-GZIP; charset=binary"))
                .contains(ArchiveFormat.TAR_GZ);
        assertThat(ArchiveFormat.forMediaType("application/x-tar")).contains(ArchiveFormat.TAR);
        assertThat(ArchiveFormat.forMediaType("application/zip")).contains(ArchiveFormat.ZIP);
        assertThat(ArchiveFormat.forMediaType("application/json")).isEmpty();
        assertThat(ArchiveFormat.forMediaType(null)).isEmpty();
    }

    private static void assertFails(ThrowingCallable call, ErrorCode code, String messagePart) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }
}
