package corral.isolator.cgroups;

/** The two kinds of cgroup hierarchy. */
public enum CgroupVersion {
    /** A cgroup v1 hierarchy ({@code -t cgroup}) with one or more controllers attached. */
    V1,
    /** The cgroup v2 unified hierarchy ({@code -t cgroup2}). */
    V2
}
