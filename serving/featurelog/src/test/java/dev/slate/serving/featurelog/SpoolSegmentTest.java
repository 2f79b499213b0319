package dev.slate.serving.featurelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolSegmentTest {
    @TempDir
    Path dir;

    private Path writeThree() throws Exception {
        try (SpoolSegment.Writer w = new SpoolSegment.Writer(dir, 7)) {
            w.append(List.of(new byte[] {1}, new byte[] {2, 2}));
            w.append(List.of(new byte[] {3, 3, 3}));
            return w.path();
        }
    }

    @Test
    void readsRecordsInOrderAndResumesFromAnOffset() throws Exception {
        Path p = writeThree();
        assertThat(p.getFileName().toString()).isEqualTo("segment-00000000000000000007.spool");
        assertThat(SpoolSegment.sequenceOf(p)).isEqualTo(7);

        SpoolSegment.Chunk first = SpoolSegment.read(p, 0, 2);
        assertThat(first.payloads()).containsExactly(new byte[] {1}, new byte[] {2, 2});
        assertThat(first.endOfSegment()).isFalse();
        SpoolSegment.Chunk rest = SpoolSegment.read(p, first.nextOffset(), 10);
        assertThat(rest.payloads()).containsExactly(new byte[] {3, 3, 3});
        assertThat(rest.endOfSegment()).isTrue();
        assertThat(rest.damaged()).isFalse();
        assertThat(rest.nextOffset()).isEqualTo(Files.size(p));
    }

    @Test
    void aTornLastRecordEndsTheSegmentWithoutLosingEarlierOnes() throws Exception {
        Path p = writeThree();
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(f.length() - 1); // a crash in the middle of the last write
        }
        SpoolSegment.Chunk chunk = SpoolSegment.read(p, 0, 10);
        assertThat(chunk.payloads()).containsExactly(new byte[] {1}, new byte[] {2, 2});
        assertThat(chunk.endOfSegment()).isTrue();
        assertThat(chunk.damaged()).isTrue();
    }

    @Test
    void aChecksumMismatchStopsReadingThere() throws Exception {
        Path p = writeThree();
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(f.length() - 1);
            f.write(9); // flip the last payload byte
        }
        SpoolSegment.Chunk chunk = SpoolSegment.read(p, 0, 10);
        assertThat(chunk.payloads()).hasSize(2);
        assertThat(chunk.damaged()).isTrue();
    }

    @Test
    void aFileWithoutTheMagicIsNotRead() throws Exception {
        Path p = dir.resolve("segment-00000000000000000001.spool");
        Files.write(p, new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 5});
        SpoolSegment.Chunk chunk = SpoolSegment.read(p, 0, 10);
        assertThat(chunk.payloads()).isEmpty();
        assertThat(chunk.damaged()).isTrue();
    }
}
