package corral.bindings.libc;

import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;

/** The host's user database through glibc's NSS; the {@code _r} calls return an errno. */
public interface LibcUsers {

    int getpwnam_r(String name, Pointer pwd, Pointer buf, @size_t long buflen, PointerByReference result);

    int getpwuid_r(int uid, Pointer pwd, Pointer buf, @size_t long buflen, PointerByReference result);
}
