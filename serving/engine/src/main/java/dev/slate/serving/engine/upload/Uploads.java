package dev.slate.serving.engine.upload;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A file uploaded as a request body (a Parquet spine, a Parquet ingest), streamed to disk within a size limit. */
public final class Uploads {

    private Uploads() {}

    /**
     * Copies {@code body} to {@code file}. More than {@code maxBytes} bytes is a 413 {@code PAYLOAD_TOO_LARGE}
     * naming {@code what}; an empty or missing body is a 400 {@code PARSE_FAILED} that says what to send. The
     * caller removes {@code file} when this throws.
     *
     * @return the number of bytes stored
     */
    public static long store(InputStream body, Path file, long maxBytes, String what, String whatToSend)
            throws IOException {
        long total = 0;
        if (body != null) {
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(file)) {
                int n;
                while ((n = body.read(buffer)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        throw new SlateException(
                                ErrorCode.PAYLOAD_TOO_LARGE,
                                what + " is larger than " + maxBytes + " bytes (slate.offline.max-upload-bytes)");
                    }
                    out.write(buffer, 0, n);
                }
            }
        }
        if (total == 0) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "the request body is empty; send " + whatToSend);
        }
        return total;
    }
}
