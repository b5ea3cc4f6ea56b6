<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>cannot lock {file}</source>
        <translation>无法锁定 {file}</translation>
    </message>
    <message>
        <source>Autosave failed: {why}</source>
        <translation>自动保存失败：{why}</translation>
    </message>
    <message>
        <source>Add {op} &apos;{node}&apos;</source>
        <extracomment>ids to select after redo / undo (None: keep the current selection)</extracomment>
        <translation>添加 {op} &apos;{node}&apos;</translation>
    </message>
    <message>
        <source>Delete &apos;{node}&apos;</source>
        <translation>删除 &apos;{node}&apos;</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n nodes</source>
        <translation>
            <numerusform>删除 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>Connect {wire}</source>
        <translation>连接 {wire}</translation>
    </message>
    <message>
        <source>Disconnect {place}</source>
        <translation>断开 {place}</translation>
    </message>
    <message>
        <source>Set {place}</source>
        <translation>设置 {place}</translation>
    </message>
    <message>
        <source>Set {flag} on {node}</source>
        <translation>在 {node} 上设置 {flag}</translation>
    </message>
    <message>
        <source>Clear {flag} on {node}</source>
        <translation>在 {node} 上清除 {flag}</translation>
    </message>
    <message>
        <source>Rename &apos;{old}&apos; to &apos;{new}&apos;</source>
        <translation>把 &apos;{old}&apos; 重命名为 &apos;{new}&apos;</translation>
    </message>
    <message>
        <source>Duplicate 1 node</source>
        <translation>复制 1 个节点</translation>
    </message>
    <message>
        <source>Paste 1 node</source>
        <translation>粘贴 1 个节点</translation>
    </message>
    <message numerus="yes">
        <source>Duplicate %n nodes</source>
        <translation>
            <numerusform>复制 %n 个节点</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Paste %n nodes</source>
        <translation>
            <numerusform>粘贴 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>{port}: drag onto an input to connect</source>
        <extracomment>Below this scale a box&apos;s TEXT_PT text is about 5 px tall: the scene draws an overview instead (boxes, header stripes, problem outlines and wires in a few batched calls; see GraphScene) — for a big graph, where it is also what keeps a repaint fast. A lesson-sized graph keeps its detail (up to SMALL_GRAPH_NODES boxes: every lesson has fewer than 40), squinted at but readable, down to SMALL_GRAPH_OVERVIEW_LOD.</extracomment>
        <translation>{port}：拖到一个输入上即可连接</translation>
    </message>
    <message>
        <source>{port}: {spec} — drag onto an input to connect</source>
        <translation>{port}：{spec} —— 拖到一个输入上即可连接</translation>
    </message>
    <message>
        <source>  (+{count} more)</source>
        <translation>  （还有 {count} 个）</translation>
    </message>
    <message>
        <source> (several tensors)</source>
        <translation>（多个张量）</translation>
    </message>
    <message>
        <source> (optional)</source>
        <translation>（可选）</translation>
    </message>
    <message>
        <source>{place}: item {index} of the list (connect here to replace it)</source>
        <translation>{place}：列表的第 {index} 项（连到这里可替换它）</translation>
    </message>
    <message>
        <source>{place}: connect here to add item {index} to the list</source>
        <translation>{place}：连到这里可向列表添加第 {index} 项</translation>
    </message>
    <message>
        <source>Tab / double-click</source>
        <extracomment>The canvas&apos;s own keys, for Help › Keyboard (the menus&apos; shortcuts are listed from their actions); untranslated here, shown through ``tr``.</extracomment>
        <translation>Tab / 双击</translation>
    </message>
    <message>
        <source>add a node (type to search, Enter adds the first match)</source>
        <translation>添加节点（输入以搜索，Enter 添加第一个匹配项）</translation>
    </message>
    <message>
        <source>follow the wires to the selected node&apos;s source / consumer</source>
        <translation>沿连线走到所选节点的来源 / 使用者</translation>
    </message>
    <message>
        <source>the nearest node above / below</source>
        <translation>上方 / 下方最近的节点</translation>
    </message>
    <message>
        <source>connect from the selected node&apos;s output; arrows then choose the node</source>
        <translation>从所选节点的输出开始连接；然后用方向键选择节点</translation>
    </message>
    <message>
        <source>while connecting: the next output of the node connected from</source>
        <translation>连接时：换到起点节点的下一个输出</translation>
    </message>
    <message>
        <source>while connecting: the next input port of the chosen node</source>
        <translation>连接时：所选节点的下一个输入端口</translation>
    </message>
    <message>
        <source>while connecting: make the wire; otherwise edit the node in the inspector</source>
        <translation>连接时：建立连线；否则在检查器中编辑该节点</translation>
    </message>
    <message>
        <source>C then Tab</source>
        <translation>先按 C 再按 Tab</translation>
    </message>
    <message>
        <source>add a node beside the selected one, wired to it</source>
        <translation>在所选节点旁添加一个节点，并与它连好</translation>
    </message>
    <message>
        <source>cancel connecting; in the inspector, back to the canvas</source>
        <translation>取消连接；在检查器中时回到画布</translation>
    </message>
    <message>
        <source>Space + drag</source>
        <translation>空格 + 拖动</translation>
    </message>
    <message>
        <source>pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>delete the selection</source>
        <translation>删除所选内容</translation>
    </message>
    <message>
        <source>Connecting cancelled</source>
        <translation>已取消连接</translation>
    </message>
    <message>
        <source>Select a node first (arrows), then C connects from its output</source>
        <translation>先（用方向键）选择一个节点，再按 C 从它的输出开始连接</translation>
    </message>
    <message>
        <source>{node} has no output to connect from</source>
        <translation>{node} 没有可以连出的输出</translation>
    </message>
    <message>
        <source>Connect {node} → … : arrows choose the node, P the port, Enter wires it; Tab adds a new node wired to it; Esc cancels</source>
        <translation>连接 {node} → …：方向键选择节点，P 选择端口，Enter 连线；Tab 添加一个与它相连的新节点；Esc 取消</translation>
    </message>
    <message>
        <source>Choose another node with the arrows (Esc cancels)</source>
        <translation>用方向键选择另一个节点（Esc 取消）</translation>
    </message>
    <message>
        <source>Wired {wire}</source>
        <translation>已连线 {wire}</translation>
    </message>
    <message>
        <source>Connect {node} → … : choose a node with inputs (arrows)</source>
        <translation>连接 {node} → …：选择一个有输入的节点（方向键）</translation>
    </message>
    <message>
        <source>Connect {wire}: Enter wires it, P another port, O another output, Esc cancels</source>
        <translation>连接 {wire}：Enter 连线，P 换一个端口，O 换一个输出，Esc 取消</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>Auto-layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <source>Cannot connect: the node no longer exists</source>
        <translation>无法连接：该节点已不存在</translation>
    </message>
    <message>
        <source>Cannot connect: {node} ({op}) has no input &apos;{port}&apos;</source>
        <translation>无法连接：{node}（{op}）没有输入 &apos;{port}&apos;</translation>
    </message>
    <message>
        <source>Cannot connect: {node} ({op}) has no outputs</source>
        <translation>无法连接：{node}（{op}）没有输出</translation>
    </message>
    <message>
        <source>Cannot connect: {node} ({op}) has no output &apos;{output}&apos;</source>
        <translation>无法连接：{node}（{op}）没有输出 &apos;{output}&apos;</translation>
    </message>
    <message>
        <source>Refused: {wire} would make a cycle ({dst} already feeds {src}); a computation graph must flow one way</source>
        <translation>已拒绝：{wire} 会形成环（{dst} 已经流向 {src}）；计算图只能单向流动</translation>
    </message>
    <message>
        <source>Refused: {wire}: {reason}</source>
        <translation>已拒绝：{wire}：{reason}</translation>
    </message>
    <message>
        <source>No node with id &apos;{node}&apos;</source>
        <translation>没有 id 为 &apos;{node}&apos; 的节点</translation>
    </message>
    <message>
        <source>One place of a list takes one value: a number, a list of numbers, or a node id</source>
        <translation>列表的一个位置只放一个值：一个数、一个数的列表，或一个节点 id</translation>
    </message>
    <message>
        <source>Refused: {wire} would make a cycle</source>
        <translation>已拒绝：{wire} 会形成环</translation>
    </message>
    <message>
        <source>&apos;{id}&apos; is not a valid id: use letters, digits and _, not starting with a digit</source>
        <translation>&apos;{id}&apos; 不是有效的 id：请使用字母、数字和 _，且不能以数字开头</translation>
    </message>
    <message>
        <source>The id &apos;{id}&apos; is already used by another node</source>
        <translation>id &apos;{id}&apos; 已被另一个节点使用</translation>
    </message>
    <message>
        <source>Cannot paste: {why}</source>
        <translation>无法粘贴：{why}</translation>
    </message>
    <message>
        <source>Unknown op &apos;{op}&apos;</source>
        <translation>未知的算子 &apos;{op}&apos;</translation>
    </message>
    <message>
        <source>Loss</source>
        <extracomment>Wire panels handed new values per event-loop turn by a refresh without animation (see show_now).</extracomment>
        <translation>损失</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Time travel</source>
        <translation>时间回溯</translation>
    </message>
    <message>
        <source>Chain rule</source>
        <translation>链式法则</translation>
    </message>
    <message>
        <source>Train needs an optimizer: add an sgd node and wire the loss (a scalar) into it</source>
        <translation>训练需要优化器：添加一个 sgd 节点，并把损失（一个标量）连到它上面</translation>
    </message>
    <message>
        <source>Set learning rate {lr}</source>
        <translation>设置学习率 {lr}</translation>
    </message>
    <message>
        <source>learning rate {lr} from the next step</source>
        <translation>学习率 {lr} 从下一步起生效</translation>
    </message>
    <message>
        <source>The graph asks for {device}, which is unavailable here: running on the CPU</source>
        <translation>计算图要求使用 {device}，但这里不可用：改在 CPU 上运行</translation>
    </message>
    <message>
        <source>Stopped the run: the graph changed</source>
        <translation>已停止运行：计算图已改变</translation>
    </message>
    <message>
        <source>Run failed: {why}</source>
        <translation>运行失败：{why}</translation>
    </message>
    <message>
        <source>sum of {count} contributions</source>
        <translation>{count} 份贡献之和</translation>
    </message>
    <message>
        <source>gradient that flowed back along this wire</source>
        <translation>沿这条连线传回的梯度</translation>
    </message>
    <message>
        <source>the gradient that reached it (not kept in .grad: not a leaf, no retain_grad)</source>
        <translation>到达它的梯度（未保存在 .grad 中：不是叶子节点，也没有 retain_grad）</translation>
    </message>
    <message>
        <source>update this step</source>
        <translation>本步更新</translation>
    </message>
    <message>
        <source>Δ = the value after the optimizer&apos;s step − the value before</source>
        <translation>Δ = 优化器这一步之后的值 − 之前的值</translation>
    </message>
    <message>
        <source>{count} nodes selected: Gradcheck checks them as one function, from the values wired into them to those they hand on.</source>
        <translation>已选择 {count} 个节点：梯度检验把它们当作一个函数来检验，从连入它们的值到它们传出的值。</translation>
    </message>
    <message>
        <source>Run Forward or Backward to see the chain rule with this run&apos;s shapes.</source>
        <translation>运行前向或反向传播，即可看到带有本次运行形状的链式法则。</translation>
    </message>
    <message>
        <source>A leaf or a sink has no chain rule of its own: select a wire into an op.</source>
        <translation>叶子节点或汇点没有自己的链式法则：请选择一条连入运算的连线。</translation>
    </message>
    <message>
        <source>This node did not run in the last step.</source>
        <translation>该节点在上一步中没有运行。</translation>
    </message>
    <message>
        <source>Nothing to apply: run Step or Train first</source>
        <translation>没有可应用的值：请先运行“单步”或“训练”</translation>
    </message>
    <message>
        <source>Cannot apply the trained values: {why}</source>
        <translation>无法应用训练后的值：{why}</translation>
    </message>
    <message>
        <source>Applied the trained values of {leaves} (Undo puts them back)</source>
        <translation>已应用 {leaves} 训练后的值（撤销可恢复原值）</translation>
    </message>
    <message>
        <source>The graph already holds these values</source>
        <translation>计算图中已经是这些值</translation>
    </message>
    <message>
        <source>Add {op} node ← {source}</source>
        <translation>添加 {op} 节点 ← {source}</translation>
    </message>
    <message>
        <source>Add {op} and connect</source>
        <translation>添加 {op} 并连接</translation>
    </message>
    <message>
        <source>Backward</source>
        <translation>反向</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Added {node} ({op}) fed by {source}: press {button} again</source>
        <translation>已添加由 {source} 输入的 {node}（{op}）：再按一次“{button}”</translation>
    </message>
    <message>
        <source>Add node here…</source>
        <translation>在此添加节点…</translation>
    </message>
    <message>
        <source>a number, [1, 2], or a node id</source>
        <translation>一个数、[1, 2] 或一个节点 id</translation>
    </message>
    <message>
        <source>(default)</source>
        <translation>（默认）</translation>
    </message>
    <message numerus="yes">
        <source>%n nodes selected.</source>
        <translation>
            <numerusform>已选择 %n 个节点。</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a node to edit it.</source>
        <translation>选择一个节点来编辑它。</translation>
    </message>
    <message>
        <source>&apos;{op}&apos; is not an op this version knows.</source>
        <translation>此版本不认识算子 &apos;{op}&apos;。</translation>
    </message>
    <message>
        <source>from {origin}</source>
        <translation>来自 {origin}</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Autograd</source>
        <translation>自动求导</translation>
    </message>
    <message>
        <source>track operations on this leaf so .grad is filled by backward()</source>
        <translation>记录对这个叶子节点的运算，以便 backward() 填好 .grad</translation>
    </message>
    <message>
        <source>keep .grad on this non-leaf, like tensor.retain_grad()</source>
        <translation>在这个非叶子节点上保留 .grad，就像 tensor.retain_grad()</translation>
    </message>
    <message>
        <source>run this node under torch.no_grad(): its result does not track gradients</source>
        <translation>在 torch.no_grad() 下运行此节点：其结果不追踪梯度</translation>
    </message>
    <message>
        <source>optional: a node id, a number or a list (1, 2)</source>
        <translation>可选：一个节点 id、一个数或一个列表 (1, 2)</translation>
    </message>
    <message>
        <source>a node id, a number or a list (1, 2)</source>
        <translation>一个节点 id、一个数或一个列表 (1, 2)</translation>
    </message>
    <message>
        <source>A node id (x or x:name), a number, or a list; empty disconnects.</source>
        <translation>一个节点 id（x 或 x:name）、一个数或一个列表；留空则断开。</translation>
    </message>
    <message>
        <source>default: {value}</source>
        <translation>默认：{value}</translation>
    </message>
    <message>
        <source>type {a}, ({a}) or [{a}]</source>
        <translation>输入 {a}、({a}) 或 [{a}]</translation>
    </message>
    <message>
        <source>none, or e.g. {example}</source>
        <translation>none，或例如 {example}</translation>
    </message>
    <message>
        <source>e.g. {example}</source>
        <translation>例如 {example}</translation>
    </message>
    <message>
        <source>&apos;{node}&apos; holds NaN or Inf, which a graph file cannot store</source>
        <translation>&apos;{node}&apos; 含有 NaN 或 Inf，计算图文件无法保存这样的值</translation>
    </message>
    <message>
        <source>Apply trained values (1 tensor)</source>
        <translation>应用训练后的值（1 个张量）</translation>
    </message>
    <message numerus="yes">
        <source>Apply trained values (%n tensors)</source>
        <translation>
            <numerusform>应用训练后的值（%n 个张量）</numerusform>
        </translation>
    </message>
    <message>
        <source>leaf</source>
        <translation>叶子</translation>
    </message>
    <message>
        <source>no grad</source>
        <translation>无梯度</translation>
    </message>
    <message>
        <source>Backward ran this node as number {n}: after every node that uses its output, so all their gradients had arrived</source>
        <translation>反向传播第 {n} 个运行此节点：在所有使用其输出的节点之后，这时它们的梯度都已到达</translation>
    </message>
    <message>
        <source>Gradient contributions of each use, summed where the tensor fans out:</source>
        <translation>每次使用贡献的梯度，在张量分叉处相加：</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Press Step or Train: each step&apos;s loss is drawn here, one curve per optimizer.</source>
        <translation>按“单步”或“训练”：每一步的损失画在这里，每个优化器一条曲线。</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Loss on a logarithmic axis: a long run&apos;s slow progress stays visible</source>
        <translation>损失使用对数坐标轴：长时间运行的缓慢进展也看得见</translation>
    </message>
    <message>
        <source>no optimizer</source>
        <translation>没有优化器</translation>
    </message>
    <message>
        <source>step {step}</source>
        <translation>第 {step} 步</translation>
    </message>
    <message>
        <source>loss {values}</source>
        <translation>损失 {values}</translation>
    </message>
    <message>
        <source>click the caption to collapse, the body to open the tensor viewer</source>
        <extracomment>A card this close to its wire or port keeps no stem (it touches what it describes). Zoom (level of detail) below which text is too small to read, and is not drawn: the numbers (8.5 pt bold) below TEXT_LOD, leaving only pictures; the small print — captions, the colour scale&apos;s ends, nan/inf counts (6 pt: about 4 px tall at zoom 0.5) — below SMALL_TEXT_LOD.</extracomment>
        <translation>点击标题折叠，点击内容打开张量查看器</translation>
    </message>
    <message>
        <source>Nothing to run backward from: build a graph first (Tab adds a node)</source>
        <translation>没有可以反向传播的起点：请先搭建计算图（Tab 添加节点）</translation>
    </message>
    <message>
        <source>Which output? Select one of {nodes} and press Backward again, or add a backward node</source>
        <translation>哪个输出？选择 {nodes} 之一再按“反向”，或添加一个 backward 节点</translation>
    </message>
    <message>
        <source>No scalar output to run backward() from ({nodes} are tensors): reduce one with mean or sum, or select it and add a backward node with a gradient</source>
        <translation>没有可以调用 backward() 的标量输出（{nodes} 都是张量）：用 mean 或 sum 把其中一个归约为标量，或选中它并添加一个带 gradient 的 backward 节点</translation>
    </message>
    <message>
        <source>Backward: {call}</source>
        <translation>反向传播：{call}</translation>
    </message>
    <message>
        <source> (select {nodes} and tick it in the inspector)</source>
        <translation>（选中 {nodes}，在检查器中勾选它）</translation>
    </message>
    <message>
        <source>Nothing for {call} to differentiate: no tensor before it has requires_grad{where}</source>
        <translation>{call} 没有可求导的对象：它之前没有任何张量设置了 requires_grad{where}</translation>
    </message>
    <message>
        <source>{node} is not a scalar: backward() needs one value (reduce it with mean or sum first), or add a backward node with a gradient</source>
        <translation>{node} 不是标量：backward() 需要单个值（先用 mean 或 sum 归约），或添加一个带 gradient 的 backward 节点</translation>
    </message>
    <message>
        <source>CUDA is unavailable: CuPy is not installed (pip install &apos;graphstudio[gpu]&apos;)</source>
        <translation>CUDA 不可用：未安装 CuPy（pip install &apos;graphstudio[gpu]&apos;）</translation>
    </message>
    <message>
        <source>CUDA is unavailable: CuPy finds no CUDA device (or driver) on this machine</source>
        <translation>CUDA 不可用：CuPy 在这台机器上找不到 CUDA 设备（或驱动）</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>前向</translation>
    </message>
    <message>
        <source>Run the graph forward: values travel along the wires</source>
        <translation>前向运行计算图：数值沿连线流动</translation>
    </message>
    <message>
        <source>Gradients travel back: the backward and optimizer nodes, or, with none, backward() on the selected scalar (or the only scalar output)</source>
        <translation>梯度反向流动：运行 backward 和优化器节点；没有这些节点时，对所选标量（或唯一的标量输出）调用 backward()</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>One training step: zero_grad → forward → backward → optimizer step</source>
        <translation>训练一步：zero_grad → 前向 → 反向 → 优化器 step</translation>
    </message>
    <message>
        <source>Run many steps at full speed (the loss plot follows)</source>
        <translation>全速运行多步（损失图随之更新）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop training (takes effect within one step) and the animation</source>
        <translation>停止训练（一步之内生效）和动画</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Make every leaf anew: trained values go back to their initial values</source>
        <translation>重新生成每个叶子节点：训练后的值回到初始值</translation>
    </message>
    <message>
        <source>Apply trained values</source>
        <translation>应用训练后的值</translation>
    </message>
    <message>
        <source>Write the trained leaves into the graph as tensor data (undoable), so a saved file keeps what was learned</source>
        <translation>把训练后的叶子节点作为张量数据写入计算图（可撤销），这样保存的文件会保留学到的内容</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Where the graph runs</source>
        <translation>计算图在哪里运行</translation>
    </message>
    <message>
        <source>until Stop</source>
        <translation>直到停止</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> 步</translation>
    </message>
    <message>
        <source>How many steps Train runs (0: until Stop)</source>
        <translation>“训练”运行多少步（0：直到停止）</translation>
    </message>
    <message>
        <source>Animate</source>
        <translation>动画</translation>
    </message>
    <message>
        <source>Off: run at full speed; the panels show the latest values</source>
        <translation>关闭：全速运行；面板显示最新的值</translation>
    </message>
    <message>
        <source>Detect anomaly</source>
        <translation>检测异常</translation>
    </message>
    <message>
        <source>Stop at the first node whose output holds a NaN or Inf, and name the inputs that made it</source>
        <translation>在第一个输出含 NaN 或 Inf 的节点处停下，并指出造成它的输入</translation>
    </message>
    <message>
        <source>Animation speed</source>
        <translation>动画速度</translation>
    </message>
    <message>
        <source>speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Which optimizer the learning rate applies to</source>
        <translation>学习率作用于哪个优化器</translation>
    </message>
    <message>
        <source>Learning rate, written into the optimizer node (undoable); a run takes it from its next step (param_groups[..][&apos;lr&apos;])</source>
        <translation>学习率，写入优化器节点（可撤销）；运行从下一步起使用它（param_groups[..][&apos;lr&apos;]）</translation>
    </message>
    <message>
        <source>CUDA is unavailable</source>
        <translation>CUDA 不可用</translation>
    </message>
    <message>
        <source>slice </source>
        <translation>切片 </translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热图</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>nothing yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>min</source>
        <translation>最小</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>范数</translation>
    </message>
    <message>
        <source>colour scale: {low} … {high}; NaN magenta, Inf red</source>
        <translation>色标：{low} … {high}；NaN 为品红色，Inf 为红色</translation>
    </message>
    <message>
        <source>Click a wire panel or select a node after a run.</source>
        <translation>运行后点击一个连线面板，或选择一个节点。</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>no gradient (yet)</source>
        <translation>（还）没有梯度</translation>
    </message>
    <message>
        <source>GraphStudio graphs (*.json);;All files (*)</source>
        <translation>GraphStudio 计算图 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Ops</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Python script…</source>
        <translation>打开 Python 脚本(&amp;P)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Image…</source>
        <translation>图片(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;PyTorch script…</source>
        <translation>PyTorch 脚本(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>Copy as P&amp;yTorch code</source>
        <translation>复制为 PyTorch 代码(&amp;Y)</translation>
    </message>
    <message>
        <source>&amp;Duplicate</source>
        <translation>创建副本(&amp;D)</translation>
    </message>
    <message>
        <source>De&amp;lete</source>
        <translation>删除(&amp;L)</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit Graph</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Auto-&amp;layout</source>
        <translation>自动布局(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Snap to Grid</source>
        <translation>对齐网格(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Start Page</source>
        <translation>起始页(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Keyboard</source>
        <translation>键盘(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About GraphStudio</source>
        <translation>关于 GraphStudio(&amp;A)</translation>
    </message>
    <message>
        <source>(no lessons installed)</source>
        <translation>（未安装课程）</translation>
    </message>
    <message>
        <source>{script}.py (imported)</source>
        <translation>{script}.py（已导入）</translation>
    </message>
    <message>
        <source>{lesson} (lesson)</source>
        <translation>{lesson}（课程）</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>Save the changes to {name}?</source>
        <translation>保存对“{name}”的更改吗？</translation>
    </message>
    <message>
        <source>Open graph</source>
        <translation>打开计算图</translation>
    </message>
    <message>
        <source>Cannot open the graph</source>
        <translation>无法打开计算图</translation>
    </message>
    <message>
        <source>Open Python script</source>
        <translation>打开 Python 脚本</translation>
    </message>
    <message>
        <source>PyTorch script (*.py)</source>
        <translation>PyTorch 脚本 (*.py)</translation>
    </message>
    <message>
        <source>Cannot open the script</source>
        <translation>无法打开脚本</translation>
    </message>
    <message>
        <source>Cannot open the lesson</source>
        <translation>无法打开课程</translation>
    </message>
    <message>
        <source>Save graph</source>
        <translation>保存计算图</translation>
    </message>
    <message>
        <source>Cannot save the graph</source>
        <translation>无法保存计算图</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Unsaved work could not be read</source>
        <translation>无法读取未保存的工作</translation>
    </message>
    <message>
        <source>It is kept at {path}: this version of GraphStudio cannot restore it.</source>
        <translation>它保存在 {path}：此版本的 GraphStudio 无法恢复它。</translation>
    </message>
    <message>
        <source> (from {name})</source>
        <translation>（来自 {name}）</translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation>恢复未保存的工作吗？</translation>
    </message>
    <message>
        <source>GraphStudio closed with unsaved changes{where}. Restore them?</source>
        <translation>GraphStudio 关闭时有未保存的更改{where}。要恢复吗？</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>SVG image (*.svg)</source>
        <translation>SVG 图片 (*.svg)</translation>
    </message>
    <message>
        <source>Export image</source>
        <translation>导出图片</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source> (and {count} more)</source>
        <translation>（还有 {count} 个）</translation>
    </message>
    <message>
        <source>Cannot write the PyTorch code: {why}</source>
        <translation>无法生成 PyTorch 代码：{why}</translation>
    </message>
    <message>
        <source>Export PyTorch script</source>
        <translation>导出 PyTorch 脚本</translation>
    </message>
    <message>
        <source>Python script (*.py)</source>
        <translation>Python 脚本 (*.py)</translation>
    </message>
    <message>
        <source>Wrote {path}: run it with python to check the numbers in PyTorch</source>
        <translation>已写入 {path}：用 python 运行它，在 PyTorch 中核对这些数值</translation>
    </message>
    <message>
        <source>Copied the graph as PyTorch code</source>
        <translation>已把计算图复制为 PyTorch 代码</translation>
    </message>
    <message>
        <source>Keyboard</source>
        <translation>键盘</translation>
    </message>
    <message>
        <source>About GraphStudio</source>
        <translation>关于 GraphStudio</translation>
    </message>
    <message>
        <source>A visual computation-graph editor for learning tensors and autograd.</source>
        <translation>一个用于学习张量和自动求导的可视化计算图编辑器。</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <source>⚠ 1 problem</source>
        <translation>⚠ 1 个问题</translation>
    </message>
    <message numerus="yes">
        <source>⚠ %n problems</source>
        <translation>
            <numerusform>⚠ %n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>(click to go to the next)</source>
        <translation>（点击转到下一个）</translation>
    </message>
    <message>
        <source>✓ no problems</source>
        <translation>✓ 没有问题</translation>
    </message>
    <message>
        <source>The checker found nothing wrong with this graph.</source>
        <translation>检查器没有发现这个计算图有任何问题。</translation>
    </message>
    <message>
        <source> (shapes unavailable)</source>
        <translation>（形状不可用）</translation>
    </message>
    <message>
        <source>Search ops…</source>
        <translation>搜索算子…</translation>
    </message>
    <message>
        <source>Matches ({count})</source>
        <translation>匹配项（{count}）</translation>
    </message>
    <message>
        <source>Add op…</source>
        <translation>添加算子…</translation>
    </message>
    <message>
        <source>Refused: {dst} already feeds {src}, so this wire would make a cycle</source>
        <translation>已拒绝：{dst} 已经流向 {src}，这条连线会形成环</translation>
    </message>
    <message>
        <source>Connect an output (right side) to an input (left side)</source>
        <translation>把一个输出（右侧）连到一个输入（左侧）</translation>
    </message>
    <message>
        <source>Remove {place}</source>
        <translation>移除 {place}</translation>
    </message>
    <message>
        <source>Delete wire</source>
        <translation>删除连线</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <source>Drag an op from the palette onto the canvas, or press Tab and type its name.</source>
        <translation>把算子从算子面板拖到画布上，或按 Tab 输入它的名字。</translation>
    </message>
    <message>
        <source>Drag from a node&apos;s output (right) to another node&apos;s input (left) to wire them.</source>
        <translation>从一个节点的输出（右侧）拖到另一个节点的输入（左侧），把它们连起来。</translation>
    </message>
    <message>
        <source>Press Forward to see the values flow, then Backward for the gradients.</source>
        <translation>按“前向”看数值流动，再按“反向”看梯度。</translation>
    </message>
    <message>
        <source>Welcome to GraphStudio</source>
        <translation>欢迎使用 GraphStudio</translation>
    </message>
    <message>
        <source>Build PyTorch computations as graphs and watch values and gradients flow. Start with a lesson, or build your own.</source>
        <translation>把 PyTorch 计算搭成计算图，观察数值和梯度如何流动。从一节课程开始，或者自己动手搭建。</translation>
    </message>
    <message>
        <source>Build your own</source>
        <translation>自己搭建</translation>
    </message>
    <message>
        <source>Start with an empty canvas</source>
        <translation>从空白画布开始</translation>
    </message>
    <message>
        <source>Recent files</source>
        <translation>最近的文件</translation>
    </message>
    <message>
        <source>Help › Start Page brings this page back; Esc closes it.</source>
        <translation>“帮助 › 起始页”可以重新打开本页；按 Esc 关闭。</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Double-click a lesson to open it.</source>
        <translation>双击一节课程打开它。</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <source>node &apos;{node}&apos; ({op})</source>
        <translation>节点 &apos;{node}&apos;（{op}）</translation>
    </message>
    <message>
        <source>node &apos;{node}&apos;</source>
        <translation>节点 &apos;{node}&apos;</translation>
    </message>
    <message>
        <source>: </source>
        <translation>：</translation>
    </message>
    <message>
        <source>{n} bytes</source>
        <translation>{n} 字节</translation>
    </message>
    <message>
        <source>, or nothing for none</source>
        <translation>，或留空表示 none</translation>
    </message>
    <message>
        <source>expected a number, a list like [1, 2], or a node id like x or x:name</source>
        <translation>应为一个数、像 [1, 2] 这样的列表，或像 x 或 x:name 这样的节点 id</translation>
    </message>
    <message>
        <source>a value is needed</source>
        <translation>需要一个值</translation>
    </message>
    <message>
        <source>not valid JSON ({why} at column {column}); write e.g. {example}</source>
        <translation>不是有效的 JSON（第 {column} 列：{why}）；请写成例如 {example}</translation>
    </message>
    <message>
        <source>expected a list of whole numbers ≥ 0, like [2, 3]</source>
        <translation>应为由 ≥ 0 的整数组成的列表，例如 [2, 3]</translation>
    </message>
    <message>
        <source>expected whole numbers ≥ 0 and at most one -1 (worked out), like [2, -1]</source>
        <translation>应为 ≥ 0 的整数，最多一个 -1（由其余推算），例如 [2, -1]</translation>
    </message>
    <message>
        <source>expected whole numbers ≥ 0 or -1 (keeps that dim), like [3, -1]</source>
        <translation>应为 ≥ 0 的整数或 -1（保持该维不变），例如 [3, -1]</translation>
    </message>
    <message>
        <source>expected a dimension or a list of them, like 0 or [0, 1]</source>
        <translation>应为一个维度或维度列表，例如 0 或 [0, 1]</translation>
    </message>
    <message>
        <source>expected a whole number or a list of them, like 2 or [1, 2]</source>
        <translation>应为一个整数或整数列表，例如 2 或 [1, 2]</translation>
    </message>
    <message>
        <source>expected a whole number, a list of them, same or valid</source>
        <translation>应为一个整数、整数列表、same 或 valid</translation>
    </message>
    <message>
        <source>expected a whole number</source>
        <translation>应为一个整数</translation>
    </message>
    <message>
        <source>expected a number</source>
        <translation>应为一个数</translation>
    </message>
    <message>
        <source>expected nested lists of numbers with equal lengths, like [[1, 2], [3, 4]]</source>
        <translation>应为长度一致的嵌套数字列表，例如 [[1, 2], [3, 4]]</translation>
    </message>
    <message>
        <source>expected a number or nested lists of numbers, like [[1, 2], [3, 4]]</source>
        <translation>应为一个数或嵌套的数字列表，例如 [[1, 2], [3, 4]]</translation>
    </message>
    <message>
        <source>a value is needed (a number, a list, or a node id)</source>
        <translation>需要一个值（一个数、一个列表或一个节点 id）</translation>
    </message>
    <message>
        <source>The graph has problems, so it is no script yet:</source>
        <translation>计算图有问题，所以还不能生成脚本：</translation>
    </message>
    <message>
        <source>the graph has problems: {first}{more}</source>
        <translation>计算图有问题：{first}{more}</translation>
    </message>
    <message>
        <source>velocity: gradients summed with momentum</source>
        <extracomment>What each entry of an optimizer&apos;s state holds, by PyTorch&apos;s state_dict name.</extracomment>
        <translation>速度：按动量累加的梯度</translation>
    </message>
    <message>
        <source>m: running mean of the gradient</source>
        <translation>m：梯度的滑动平均</translation>
    </message>
    <message>
        <source>v: running mean of the gradient&apos;s square</source>
        <translation>v：梯度平方的滑动平均</translation>
    </message>
    <message>
        <source>the largest v so far (AMSGrad)</source>
        <translation>迄今最大的 v（AMSGrad）</translation>
    </message>
    <message>
        <source>running mean of the gradient&apos;s square</source>
        <translation>梯度平方的滑动平均</translation>
    </message>
    <message>
        <source>running mean of the gradient (centered)</source>
        <translation>梯度的滑动平均（centered）</translation>
    </message>
    <message>
        <source>node &apos;{node}&apos; ({op}) has no gradient to check</source>
        <extracomment>Why a gradcheck cannot run, by program/instruments&apos; reason (its REASONS, in English there).</extracomment>
        <translation>节点 &apos;{node}&apos;（{op}）没有可检验的梯度</translation>
    </message>
    <message>
        <source>node &apos;{node}&apos; ({op}): PyTorch has no derivative for {op}</source>
        <translation>节点 &apos;{node}&apos;（{op}）：PyTorch 没有为 {op} 定义导数</translation>
    </message>
    <message>
        <source>select op nodes to check them together</source>
        <translation>请选择运算节点来一起检验（叶子节点和汇点没有可检验的梯度）</translation>
    </message>
    <message>
        <source>the selection hands on no floating-point value</source>
        <translation>所选节点不传出任何浮点数值，没有可检验的雅可比矩阵</translation>
    </message>
    <message>
        <source>scalar</source>
        <translation>标量</translation>
    </message>
    <message>
        <source>summed over dim {dims}: {sizes} → {result}</source>
        <translation>在第 {dims} 维上求和：{sizes} → {result}</translation>
    </message>
    <message>
        <source>summed over dims {dims}: {sizes} → {result}</source>
        <translation>在第 {dims} 维上求和：{sizes} → {result}</translation>
    </message>
    <message>
        <source>then {result}</source>
        <translation>再变为 {result}</translation>
    </message>
    <message>
        <source>Gradcheck</source>
        <translation>梯度检验</translation>
    </message>
    <message>
        <source>Compare this node&apos;s Jacobian from backward with central differences (float64, eps 1e-6, atol 1e-5, rtol 1e-3)</source>
        <translation>将此节点由反向传播得到的雅可比矩阵与中心差分结果比较（float64，eps 1e-6，atol 1e-5，rtol 1e-3）</translation>
    </message>
    <message>
        <source>Select a wire or a node to see how its gradient is made: the chain rule with this run&apos;s shapes.</source>
        <translation>选择一条连线或一个节点，查看它的梯度是如何得到的：带有本次运行形状的链式法则。</translation>
    </message>
    <message>
        <source>Run Backward to see the numbers.</source>
        <translation>运行反向传播即可看到数值。</translation>
    </message>
    <message>
        <source>No gradient flows through this node.</source>
        <translation>没有梯度流经此节点。</translation>
    </message>
    <message>
        <source>step {t}</source>
        <translation>第 {t} 步</translation>
    </message>
    <message>
        <source>bias corrections: 1 − β₁ᵗ = {c1}, 1 − β₂ᵗ = {c2}</source>
        <translation>偏差修正：1 − β₁ᵗ = {c1}，1 − β₂ᵗ = {c2}</translation>
    </message>
    <message>
        <source>update this step: Δ{leaf} = {delta}</source>
        <translation>本步更新：Δ{leaf} = {delta}</translation>
    </message>
    <message>
        <source>No state yet: run Step.</source>
        <translation>还没有状态：请运行单步。</translation>
    </message>
    <message>
        <source>{element} = {x} sits at a kink: the one-sided differences are {left} from the left and {right} from the right, so the central difference x ± {eps} straddles it and gives their mean, {mean}, while the analytical Jacobian takes one side ({analytical}). Not rounding: the function has no derivative there, and PyTorch picks one of the sides.</source>
        <translation>{element} = {x} 正处在一个折点上：左侧的单侧差分是 {left}，右侧的是 {right}，所以中心差分 x ± {eps} 跨过了折点，得到二者的平均值 {mean}，而解析雅可比只取其中一侧（{analytical}）。原因不是舍入：函数在那里不可导，PyTorch 取了其中一侧。</translation>
    </message>
    <message>
        <source>{count} more elements sit at a kink.</source>
        <translation>还有 {count} 个元素处在折点上。</translation>
    </message>
    <message>
        <source>Its backward keeps nothing from the forward.</source>
        <translation>它的反向传播不保留前向传播中的任何数据。</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>intermediate</source>
        <translation>中间值</translation>
    </message>
    <message>
        <source>Saved for backward: {items} — {total} (the whole graph keeps {graph})</source>
        <translation>为反向传播保存：{items} — {total}（整个计算图共保存 {graph}）</translation>
    </message>
    <message>
        <source>Freed by Backward (no retain_graph): a second Backward through this node fails.</source>
        <translation>已被反向传播释放（未设置 retain_graph）：再次经过此节点的反向传播会失败。</translation>
    </message>
    <message>
        <source>Gradcheck passed: the largest difference is {d}</source>
        <translation>梯度检验通过：最大差值为 {d}</translation>
    </message>
    <message>
        <source>Gradcheck failed: the largest difference is {d}</source>
        <translation>梯度检验未通过：最大差值为 {d}</translation>
    </message>
    <message>
        <source>In the run&apos;s {dtype} the largest difference is {d}: a {dtype} number keeps about {digits} significant digits, so the step x ± {eps} and each output are rounded, and a difference quotient can be off by about {bound}. The analytical Jacobian takes no step.</source>
        <translation>在本次运行的 {dtype} 中，最大差值为 {d}：{dtype} 的数只保留约 {digits} 位有效数字，因此步长 x ± {eps} 和每个输出都会被舍入，差商可能偏差约 {bound}。解析雅可比矩阵不需要步长。</translation>
    </message>
    <message>
        <source>Checked together from {inputs} to {outputs}.</source>
        <translation>从 {inputs} 到 {outputs} 作为一个整体检验。</translation>
    </message>
    <message>
        <source>Off for: {inputs}.</source>
        <translation>不一致的输入：{inputs}。</translation>
    </message>
    <message>
        <source>The heatmaps: ∂{output}/∂{input}</source>
        <translation>热力图：∂{output}/∂{input}</translation>
    </message>
    <message>
        <source>analytical</source>
        <translation>解析</translation>
    </message>
    <message>
        <source>numerical</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>difference</source>
        <translation>差值</translation>
    </message>
    <message>
        <source>cannot write the image {path}</source>
        <translation>无法写入图像 {path}</translation>
    </message>
    <message>
        <source>cannot export to &apos;{kind}&apos;: use one of {formats}</source>
        <translation>无法导出为 &apos;{kind}&apos;：请使用 {formats} 之一</translation>
    </message>
    <message>
        <source>SVG export needs QtSvg (PySide6-Addons), which is not installed; export a .png instead</source>
        <translation>导出 SVG 需要 QtSvg（PySide6-Addons），但它没有安装；请改为导出 .png</translation>
    </message>
    <message>
        <source>This graph has no lesson notes. The lessons, each with its notes, are in Help › Lessons and on the start page.</source>
        <translation>这张计算图没有课程讲解。各课（附讲解）在“帮助 › 课程”和起始页里。</translation>
    </message>
    <message>
        <source>Record up to (MB)</source>
        <translation>记录上限（MB）</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Memory for the recorded steps. Past it every other recorded step is dropped and only every 2nd (then 4th, 8th…) step is recorded: the whole run stays, coarser.</source>
        <translation>记录各步所用的内存。超过后，已记录的步隔一个丢弃一个，之后只记录每第 2（再到第 4、第 8……）步：整个训练过程都保留，只是更稀疏。</translation>
    </message>
    <message>
        <source>Drag to see the whole canvas as it was at an earlier step</source>
        <translation>拖动以查看整个画布在更早某一步时的样子</translation>
    </message>
    <message>
        <source>‖grad‖</source>
        <translation>‖梯度‖</translation>
    </message>
    <message>
        <source>Step or Train: each step is recorded, to come back to</source>
        <translation>单步或训练：每一步都会被记录，之后可以回看</translation>
    </message>
    <message>
        <source>Showing step {step} of {count}, as it was: Step and Train go on from step {count}</source>
        <translation>正在显示第 {step} 步（共 {count} 步）当时的样子：单步和训练仍从第 {count} 步继续</translation>
    </message>
    <message>
        <source>Step {count}</source>
        <translation>第 {count} 步</translation>
    </message>
    <message>
        <source>recording is off</source>
        <translation>记录已关闭</translation>
    </message>
    <message>
        <source>one step needs {size}, more than the {cap} set for recording</source>
        <translation>一步需要 {size}，超过了为记录设定的 {cap}</translation>
    </message>
    <message>
        <source>every step can be shown again: a checkpoint every {n} steps</source>
        <translation>每一步都可以重新显示：每 {n} 步保存一个检查点</translation>
    </message>
    <message>
        <source>(the memory cap was reached)</source>
        <translation>（已达到内存上限）</translation>
    </message>
    <message>
        <source>b (momentum_buffer): the velocity, past steps decayed by the momentum plus this gradient; the optimizer moves along it.</source>
        <extracomment>PyTorch&apos;s state_dict name → the symbol of PyTorch&apos;s documentation for it, and one sentence on it.</extracomment>
        <translation>b（momentum_buffer）：速度，即按动量衰减的以往各步加上本次梯度；优化器沿它移动。</translation>
    </message>
    <message>
        <source>m (exp_avg): the running mean of the gradient, m ← β₁·m + (1 − β₁)·g.</source>
        <translation>m（exp_avg）：梯度的滑动平均，m ← β₁·m + (1 − β₁)·g。</translation>
    </message>
    <message>
        <source>v (exp_avg_sq): the running mean of the gradient&apos;s square, v ← β₂·v + (1 − β₂)·g²; each element&apos;s step is divided by √v̂.</source>
        <translation>v（exp_avg_sq）：梯度平方的滑动平均，v ← β₂·v + (1 − β₂)·g²；每个元素的步长都除以 √v̂。</translation>
    </message>
    <message>
        <source>vₘ (max_exp_avg_sq): the largest v so far (AMSGrad), used instead of v.</source>
        <translation>vₘ（max_exp_avg_sq）：迄今最大的 v（AMSGrad），代替 v 使用。</translation>
    </message>
    <message>
        <source>v (square_avg): the running mean of the gradient&apos;s square, v ← α·v + (1 − α)·g²; each element&apos;s step is divided by √v.</source>
        <translation>v（square_avg）：梯度平方的滑动平均，v ← α·v + (1 − α)·g²；每个元素的步长都除以 √v。</translation>
    </message>
    <message>
        <source>ḡ (grad_avg): the running mean of the gradient (centered), so the step is divided by the gradient&apos;s spread rather than its size.</source>
        <translation>ḡ（grad_avg）：梯度的滑动平均（centered），使步长除以梯度的离散程度而不是其大小。</translation>
    </message>
    <message>
        <source>Δ: the update applied this step, the value after the optimizer&apos;s step minus the value before.</source>
        <translation>Δ：本步施加的更新，即优化器这一步之后的值减去之前的值。</translation>
    </message>
    <message>
        <source>What {optimizer} remembers about {param} after step {t}:</source>
        <translation>第 {t} 步之后 {optimizer} 对 {param} 记住的内容：</translation>
    </message>
    <message>
        <source>Bias corrections at this step: m̂ = m / (1 − β₁ᵗ) = m / {c1}, v̂ = v / (1 − β₂ᵗ) = v / {c2}.</source>
        <translation>本步的偏差修正：m̂ = m / (1 − β₁ᵗ) = m / {c1}，v̂ = v / (1 − β₂ᵗ) = v / {c2}。</translation>
    </message>
    <message>
        <source>Click to open {param} in the tensor viewer.</source>
        <translation>点击在张量查看器中打开 {param}。</translation>
    </message>
</context>
</TS>
