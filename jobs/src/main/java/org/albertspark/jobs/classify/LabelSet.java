package org.albertspark.jobs.classify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The classes of a classifier, by id. Labels are read as strings; when every label is an integer
 * they are ordered numerically (so labels 0..K-1 keep their own numbers as ids, as HF users
 * expect), otherwise lexicographically.
 */
public record LabelSet(List<String> names) {

  public LabelSet {
    names = List.copyOf(names);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no labels");
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("duplicate labels in " + names);
    }
  }

  /** The labels seen in data, ordered as described above. */
  public static LabelSet of(Collection<String> seen) {
    List<String> sorted = new ArrayList<>(seen);
    boolean numeric = sorted.stream().allMatch(LabelSet::isInteger);
    sorted.sort(
        numeric
            ? Comparator.comparingLong(s -> Long.parseLong(s.trim()))
            : Comparator.naturalOrder());
    return new LabelSet(sorted);
  }

  private static boolean isInteger(String s) {
    try {
      Long.parseLong(s.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public int size() {
    return names.size();
  }

  public String name(int id) {
    return names.get(id);
  }

  /** Label → id. */
  public Map<String, Integer> ids() {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i);
    }
    return m;
  }
}
