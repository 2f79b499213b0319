package dev.slate.serving.api.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/** Writes an online answer as an Arrow IPC stream when the caller accepts {@value #ARROW_STREAM} ({@link OnlineQueryArrow}). */
@Provider
@Produces(OnlineQueryArrowWriter.ARROW_STREAM)
public class OnlineQueryArrowWriter implements MessageBodyWriter<OnlineQueryResponse> {
    /** The media type of an Arrow IPC stream (docs/specs/rest-contract.md). */
    public static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";

    private final ObjectMapper mapper;

    OnlineQueryArrowWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return OnlineQueryResponse.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(
            OnlineQueryResponse response,
            Class<?> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, Object> httpHeaders,
            OutputStream entityStream)
            throws IOException {
        OnlineQueryArrow.write(response, mapper, entityStream);
    }
}
