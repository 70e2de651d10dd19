package corral.bindings;

import corral.bindings.libc.Libraries;
import corral.bindings.libc.LibcUsers;
import java.util.Optional;
import java.util.Set;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.PointerByReference;

/**
 * The host's users as {@code getpwnam(3)} sees them: {@code /etc/passwd} and whatever else NSS is
 * configured with (LDAP, systemd's dynamic users), without a child process.
 */
public final class Users {

    /**
     * One entry of the user database.
     *
     * @param name the login name
     * @param uid the user id
     * @param gid the primary group id
     */
    public record Passwd(String name, long uid, long gid) {
    }

    // struct passwd on LP64 glibc: pw_name, pw_passwd (pointers), pw_uid, pw_gid (u32), then three pointers
    private static final int PASSWD_SIZE = 48;
    private static final int PW_UID = 16;
    private static final int PW_GID = 20;
    /** What getpwnam_r(3) may return for "no such user", besides 0 with no result. */
    private static final Set<Integer> NOT_FOUND = Set.of(Errno.ENOENT, Errno.ESRCH, Errno.EBADF,
            Errno.EPERM);

    private static final LibcUsers LIBC = Libraries.libc(LibcUsers.class);
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Users() {
    }

    /**
     * @param name a login name
     * @return its entry, or empty when there is none
     * @throws NativeException naming the user when the lookup itself fails
     */
    public static Optional<Passwd> getpwnam(String name) throws NativeException {
        return lookup("getpwnam_r", name, (pwd, buf, size, result) -> LIBC.getpwnam_r(name, pwd, buf, size, result));
    }

    /**
     * @param uid a user id
     * @return its entry, or empty when there is none
     * @throws NativeException naming the uid when the lookup itself fails
     */
    public static Optional<Passwd> getpwuid(long uid) throws NativeException {
        return lookup("getpwuid_r", Long.toString(uid),
                (pwd, buf, size, result) -> LIBC.getpwuid_r((int) uid, pwd, buf, size, result));
    }

    private interface Call {
        int run(Pointer pwd, Pointer buf, long size, PointerByReference result);
    }

    private static Optional<Passwd> lookup(String function, String what, Call call) throws NativeException {
        Pointer pwd = Memory.allocateDirect(RUNTIME, PASSWD_SIZE, true);
        for (int size = 1024; ; size *= 4) {
            Pointer buf = Memory.allocateDirect(RUNTIME, size, true);
            PointerByReference result = new PointerByReference();
            int errno = call.run(pwd, buf, size, result);
            if (errno == Errno.ERANGE && size < (1 << 20)) {
                continue;
            }
            if (NOT_FOUND.contains(errno) || errno == 0 && result.getValue() == null) {
                return Optional.empty();
            }
            if (errno != 0) {
                throw new NativeException(function, what, new Errno(errno));
            }
            return Optional.of(new Passwd(pwd.getPointer(0).getString(0), Integer.toUnsignedLong(pwd.getInt(PW_UID)),
                    Integer.toUnsignedLong(pwd.getInt(PW_GID))));
        }
    }
}
