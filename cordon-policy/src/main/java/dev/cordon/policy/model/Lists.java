package dev.cordon.policy.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Null-tolerant copying for record constructors: a missing list stays missing (lossless JSON), a given one is frozen. */
final class Lists {
    private Lists() {}

    static <T> List<T> copy(List<T> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
