package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;

/** Status and body of one administrative HTTP call (setup, warm-up, checks). */
record HttpAnswer(int status, Buffer body) {

    HttpAnswer {
        requireNonNull(body, "body is null");
    }

    /** The body for a message: at most 2,000 characters. */
    String excerpt() {
        String text = body.toString();
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
}
