package dev.slate.serving.engine.exec;

import java.util.AbstractList;
import java.util.List;
import java.util.Map;

/**
 * The value of a {@code has_many} listing ({@code user.transactions}): the related rows as objects (feature name to
 * value), newest first, at most the relation's limit. A list like any other list value (the answer writes it as a
 * JSON array); {@link #truncated()} tells that more rows matched than {@link #limit()}, which the answer reports in
 * its meta (docs/api.md).
 */
public final class RelatedRowList extends AbstractList<Map<String, Object>> {

    private final List<Map<String, Object>> rows;
    private final int limit;
    private final boolean truncated;

    /**
     * @param rows the rows kept, newest first (at most {@code limit})
     * @param truncated more rows matched than were kept
     */
    public RelatedRowList(List<Map<String, Object>> rows, int limit, boolean truncated) {
        if (rows.size() > limit) {
            throw new IllegalArgumentException(
                    "a listing holds at most its limit of " + limit + " rows, got " + rows.size());
        }
        this.rows = List.copyOf(rows);
        this.limit = limit;
        this.truncated = truncated;
    }

    @Override
    public Map<String, Object> get(int index) {
        return rows.get(index);
    }

    @Override
    public int size() {
        return rows.size();
    }

    /** The relation's limit: the most rows one listing holds. */
    public int limit() {
        return limit;
    }

    /** True when more related rows matched than {@link #limit()}: the list was cut after the newest ones. */
    public boolean truncated() {
        return truncated;
    }
}
