; Test helper for installer/linux_check.sh: stands in for a running Berdaya.exe under Wine by
; holding the mutex installer/launcher.py holds, until a stop file appears (or 60 s pass).
; makensis -DREADY_FILE=C:\...\ready -DSTOP_FILE=C:\...\stop -DOUT_FILE=holder.exe mutex_holder.nsi
Unicode true
!ifndef NSIS_TARGET
  !define NSIS_TARGET "amd64-unicode"
!endif
Target ${NSIS_TARGET}
RequestExecutionLevel user
SilentInstall silent
OutFile "${OUT_FILE}"
!include "LogicLib.nsh"

Section
  System::Call 'kernel32::CreateMutexW(p 0, i 0, w "Local\Berdaya.App") p .r0'
  FileOpen $1 "${READY_FILE}" w
  FileClose $1
  StrCpy $2 0
  ${DoUntil} ${FileExists} "${STOP_FILE}"
    Sleep 100
    IntOp $2 $2 + 1
    ${If} $2 > 600
      ${Break}
    ${EndIf}
  ${Loop}
SectionEnd
