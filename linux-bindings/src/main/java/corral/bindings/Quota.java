package corral.bindings;

import corral.bindings.libc.Libraries;
import corral.bindings.libc.XfsLibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * XFS project quotas through {@code quotactl(2)} ({@code Q_XGETQSTAT}, {@code Q_XQUOTAON},
 * {@code Q_XSETQLIM}, {@code Q_XGETQUOTA} with {@code struct fs_disk_quota}), the block device a path
 * lives on, and the filesystem type from {@code statfs(2)}.
 *
 * <p>Limits and usage are in bytes here; the kernel counts 512-byte basic blocks, and limits are
 * rounded up to whole blocks. Thread-safe: no shared mutable state.
 */
public final class Quota {

    /** {@code XFS_SUPER_MAGIC}, the {@code f_type} statfs reports for XFS. */
    public static final long XFS_SUPER_MAGIC = 0x58465342L;
    /** {@code FS_QUOTA_PDQ_ACCT}: project quota accounting is on. */
    public static final int FS_QUOTA_PDQ_ACCT = 1 << 4;
    /** {@code FS_QUOTA_PDQ_ENFD}: project quota limits are enforced. */
    public static final int FS_QUOTA_PDQ_ENFD = 1 << 5;
    /** The size of a basic block, the unit of XFS quota limits and counts. */
    public static final long BASIC_BLOCK = 512;

    private static final int PRJQUOTA = 2;
    private static final int Q_XQUOTAON = 0x5801;
    private static final int Q_XGETQUOTA = 0x5803;
    private static final int Q_XSETQLIM = 0x5804;
    private static final int Q_XGETQSTAT = 0x5805;
    private static final int FS_DQUOT_VERSION = 1;
    private static final int FS_PROJ_QUOTA = 2;
    private static final int FS_DQ_BSOFT = 1 << 2;
    private static final int FS_DQ_BHARD = 1 << 3;
    private static final int DISK_QUOTA_SIZE = 112;
    private static final int QUOTA_STAT_SIZE = 128; // struct fs_quota_stat is 104 bytes on x86_64

    private static final class Lib {
        static final XfsLibC C = Libraries.libc(XfsLibC.class);
    }

    /**
     * One project's quota record.
     *
     * @param softLimitBytes the soft block limit, 0 for none
     * @param hardLimitBytes the hard block limit, 0 for none
     * @param usedBytes the space the project's files take
     */
    public record Usage(long softLimitBytes, long hardLimitBytes, long usedBytes) {
    }

    private Quota() {
    }

    private static Runtime runtime() {
        return Runtime.getRuntime(Lib.C);
    }

    /**
     * @param path any file
     * @return the {@code f_type} of the filesystem holding it
     * @throws NativeException if statfs fails
     */
    public static long statfsType(Path path) throws NativeException {
        Pointer buf = Memory.allocateDirect(runtime(), 120, true);
        if (Lib.C.statfs(path.toString(), buf) != 0) {
            throw new NativeException("statfs", path.toString(), new Errno(Libraries.lastErrno(Lib.C)));
        }
        return buf.getLong(0);
    }

    /**
     * Finds the block device of the filesystem holding a path, from {@code /proc/self/mountinfo}:
     * the source of the mount whose device number is the path's {@code st_dev}.
     *
     * @param path any file
     * @return the device, such as {@code /dev/loop3}
     * @throws IOException if the path or the mount table cannot be read, or no mount matches
     */
    public static String deviceOf(Path path) throws IOException {
        long dev = ((Number) Files.getAttribute(path, "unix:dev")).longValue();
        // glibc's major()/minor() split of a 64-bit dev_t
        long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
        long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
        String wanted = major + ":" + minor;
        List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        for (String line : lines) {
            String[] fields = line.split(" ");
            if (fields.length < 5 || !fields[2].equals(wanted)) {
                continue;
            }
            int dash = line.indexOf(" - ");
            String[] tail = line.substring(dash + 3).split(" ");
            if (tail.length >= 2 && tail[1].startsWith("/")) {
                return tail[1];
            }
        }
        throw new IOException("no block device found for '" + path + "' (device " + wanted + ")");
    }

    /**
     * @param device the block device of an XFS filesystem
     * @return the {@code qs_flags} of {@code Q_XGETQSTAT}: which quotas are accounted and enforced
     * @throws NativeException with {@code ENOSYS} when the kernel has no quota support for it
     */
    public static int status(String device) throws NativeException {
        Pointer buf = Memory.allocateDirect(runtime(), QUOTA_STAT_SIZE, true);
        call("quotactl Q_XGETQSTAT", Q_XGETQSTAT, device, 0, buf);
        return Short.toUnsignedInt(buf.getShort(2));
    }

    /**
     * Turns on project quota accounting or enforcement ({@code Q_XQUOTAON}).
     *
     * @param device the block device
     * @param flags {@link #FS_QUOTA_PDQ_ACCT} and/or {@link #FS_QUOTA_PDQ_ENFD}
     * @throws NativeException if the kernel refuses; {@code EEXIST} means it is already on
     */
    public static void on(String device, int flags) throws NativeException {
        Pointer buf = Memory.allocateDirect(runtime(), 4, true);
        buf.putInt(0, flags);
        call("quotactl Q_XQUOTAON", Q_XQUOTAON, device, 0, buf);
    }

    /**
     * Sets a project's block limits ({@code Q_XSETQLIM}); 0 removes a limit. With both limits 0 and
     * nothing used, the kernel drops the record.
     *
     * @param device the block device
     * @param projectId the project
     * @param softBytes the soft limit, rounded up to basic blocks
     * @param hardBytes the hard limit, rounded up to basic blocks
     * @throws NativeException if the kernel refuses
     */
    public static void setLimits(String device, int projectId, long softBytes, long hardBytes) throws NativeException {
        Pointer buf = Memory.allocateDirect(runtime(), DISK_QUOTA_SIZE, true);
        buf.putByte(0, (byte) FS_DQUOT_VERSION);
        buf.putByte(1, (byte) FS_PROJ_QUOTA);
        buf.putShort(2, (short) (FS_DQ_BSOFT | FS_DQ_BHARD));
        buf.putInt(4, projectId);
        buf.putLong(8, basicBlocks(hardBytes));
        buf.putLong(16, basicBlocks(softBytes));
        call("quotactl Q_XSETQLIM", Q_XSETQLIM, device, projectId, buf);
    }

    /**
     * @param device the block device
     * @param projectId the project
     * @return its record ({@code Q_XGETQUOTA}), or empty when the kernel keeps none ({@code ENOENT})
     * @throws NativeException for any other failure
     */
    public static Optional<Usage> get(String device, int projectId) throws NativeException {
        Pointer buf = Memory.allocateDirect(runtime(), DISK_QUOTA_SIZE, true);
        int rc = Lib.C.quotactl(qcmd(Q_XGETQUOTA), device, projectId, buf);
        if (rc != 0) {
            int errno = Libraries.lastErrno(Lib.C);
            if (errno == Errno.ENOENT) {
                return Optional.empty();
            }
            throw new NativeException("quotactl Q_XGETQUOTA", device + " project " + projectId, new Errno(errno));
        }
        return Optional.of(new Usage(buf.getLong(16) * BASIC_BLOCK, buf.getLong(8) * BASIC_BLOCK,
                buf.getLong(40) * BASIC_BLOCK));
    }

    /**
     * @param bytes a size
     * @return the number of 512-byte basic blocks that hold it, rounded up
     */
    public static long basicBlocks(long bytes) {
        return (bytes + BASIC_BLOCK - 1) / BASIC_BLOCK;
    }

    private static int qcmd(int cmd) {
        return (cmd << 8) | PRJQUOTA;
    }

    private static void call(String name, int cmd, String device, int id, Pointer buf) throws NativeException {
        if (Lib.C.quotactl(qcmd(cmd), device, id, buf) != 0) {
            throw new NativeException(name, device, new Errno(Libraries.lastErrno(Lib.C)));
        }
    }
}
