package corral.isolator.cgroups;

import corral.bindings.NativeException;
import java.io.IOException;

/**
 * The v1 {@code freezer} controller: freezes a cgroup so that nothing in it can fork while it is
 * being killed. Stateless and thread-safe.
 */
public final class FreezerController extends Controller {

    /** Creates the controller. */
    public FreezerController() {
        super("freezer");
    }

    /**
     * Freezes a cgroup and waits until the kernel reports {@code FROZEN}. A freeze that hangs in
     * {@code FREEZING} (a task stuck in the kernel) is undone and tried again, as Mesos does.
     *
     * @param cgroup a cgroup of the freezer hierarchy
     * @param deadlineNanos the {@link System#nanoTime()} by which it must be frozen
     * @throws IOException when it is not frozen in time, or a {@link NativeException}
     */
    public void freeze(Cgroup cgroup, long deadlineNanos) throws IOException {
        long pause = 1;
        int attempts = 0;
        while (true) {
            cgroup.write("freezer.state", "FROZEN");
            if (state(cgroup).equals("FROZEN")) {
                return;
            }
            if (System.nanoTime() > deadlineNanos) {
                thaw(cgroup);
                throw new IOException("Failed to freeze cgroup " + cgroup.path() + " in time: it stays "
                        + state(cgroup));
            }
            if (++attempts % 50 == 0) {
                thaw(cgroup); // let a task stuck in FREEZING make progress, then try again
            }
            sleep(pause);
            pause = Math.min(pause * 2, 10);
        }
    }

    /**
     * @param cgroup a cgroup of the freezer hierarchy
     * @throws NativeException from the {@code freezer.state} write
     */
    public void thaw(Cgroup cgroup) throws NativeException {
        cgroup.write("freezer.state", "THAWED");
    }

    /**
     * @param cgroup a cgroup of the freezer hierarchy
     * @return {@code THAWED}, {@code FREEZING} or {@code FROZEN}
     * @throws NativeException from the {@code freezer.state} read
     */
    public String state(Cgroup cgroup) throws NativeException {
        return cgroup.read("freezer.state").trim();
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while freezing", e);
        }
    }
}
