package corral.isolator.disk.xfs;

import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * The project ids of {@code --xfs_project_range} and which of them are taken. Allocation takes the
 * lowest free id; an id is never handed out while it is taken. Thread-safe.
 */
final class ProjectIds {

    private final ProjectRange range;
    private final TreeSet<Long> taken = new TreeSet<>();

    ProjectIds(ProjectRange range) {
        this.range = range;
    }

    /**
     * @param usable whether a free id may be used (for example: the kernel holds no usage for it)
     * @return the lowest free, usable id, now taken; empty when the range is exhausted
     */
    synchronized OptionalLong allocate(LongPredicate usable) {
        for (long[] r : range.ranges()) {
            long id = r[0];
            while (id <= r[1]) {
                Long next = taken.ceiling(id);
                if (next == null || next != id) {
                    if (usable.test(id)) {
                        taken.add(id);
                        return OptionalLong.of(id);
                    }
                    taken.add(id); // in use outside Corral: never hand it out
                }
                id++;
            }
        }
        return OptionalLong.empty();
    }

    /** Marks an id taken (found on an existing sandbox at recovery). @return whether it is in range */
    synchronized boolean markTaken(long id) {
        if (!range.contains(id)) {
            return false;
        }
        taken.add(id);
        return true;
    }

    synchronized void release(long id) {
        taken.remove(id);
    }

    long total() {
        return range.size();
    }

    synchronized long free() {
        return range.size() - taken.size();
    }

    ProjectRange range() {
        return range;
    }
}
