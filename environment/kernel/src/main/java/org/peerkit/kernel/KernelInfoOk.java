package org.peerkit.kernel;

import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import java.util.List;

/**
 * basekernel 2.3.0's kernel_info_reply lacks {@code content.status}, which the Jupyter message
 * spec requires and jupyter_kernel_test's schema check rejects. gson serialises this extra field.
 */
final class KernelInfoOk extends KernelInfoReply {
    @SuppressWarnings("unused") // read by gson
    private final String status = "ok";

    KernelInfoOk(String protocolVersion, String implementation, String version, LanguageInfo language,
                 String banner, List<LanguageInfo.Help> helpLinks) {
        super(protocolVersion, implementation, version, language, banner, helpLinks);
    }
}
