"""《动手学深度学习》2.5 自动微分：y = 2xᵀx 的梯度、清零梯度、非标量的反向传播、分离计算。"""
import torch

x = torch.arange(4.0)
x.requires_grad_(True)  # 等价于 x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad == 4 * x)

# 在默认情况下，PyTorch 会累积梯度，我们需要清除之前的值
x.grad.zero_()
y = x.sum()
y.backward()
print(x.grad)

# 对非标量调用 backward 需要传入一个 gradient 参数；这里只想求偏导数的和
x.grad.zero_()
y = x * x
y.sum().backward()
print(x.grad)

# 分离计算：u 被当作常数，梯度不会经过 u 流向 x
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)
