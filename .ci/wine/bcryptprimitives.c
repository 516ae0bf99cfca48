/* Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's std imports on
 * Windows for random numbers. This stand-in forwards it to RtlGenRandom (SystemFunction036 in
 * advapi32), which Wine has. For the CI's Wine prefix only (.ci/windows builds and installs it). */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    for (; length > 0x40000000; data += 0x40000000, length -= 0x40000000)
        if (!SystemFunction036(data, 0x40000000)) return FALSE;
    return SystemFunction036(data, (ULONG)length);
}
